/**
 * @file tp_espidf.h
 * ESP-IDF helpers for applications (ESP-IDF 5.0 .. 5.5): where pool storage
 * can live, and the menuconfig health thresholds. They sit above the library
 * (port/esp-idf/tp_espidf.c); the port itself (locks, tp_sys.h, the
 * stack-overflow hook and the panic-handler wrap) needs no calls.
 *
 * Pool storage, three ways (bookkeeping is always in internal RAM):
 * 1. static .bss:
 *    @code
 *    TP_POOL_STORAGE_DEFINE(buf, bytes); tp_pool_init(...);
 *    @endcode
 * 2. DMA-capable internal RAM, taken once at start-up:
 *    @code
 *    tp_espidf_pool_init_dma(&pool, tiers, n, 4, &storage);
 *    @endcode
 * 3. PSRAM (.bss in external RAM, needs CONFIG_SPIRAM_ALLOW_BSS_SEG_EXTERNAL_MEMORY):
 *    @code
 *    TP_ESPIDF_PSRAM_STORAGE_DEFINE(name, block_bytes, total_blocks);
 *    tp_pool_init_split(&pool, tiers, n, name, sizeof name, name##_meta, sizeof name##_meta);
 *    @endcode
 *    block_bytes: at least tp_pool_block_bytes(tiers, n), i.e. the sum of
 *    size x count plus up to 63 bytes of alignment per tier (init refuses
 *    less); total_blocks: the sum of the counts. The blocks are in PSRAM; the
 *    links (`name##_meta`) stay in internal RAM, where the lock-holding code
 *    touches them with the cache off.
 */
#ifndef TP_ESPIDF_H
#define TP_ESPIDF_H

#include "../../../include/tierpool.h"
#include "../../../include/tp_health.h"

#include "esp_attr.h" /* EXT_RAM_BSS_ATTR */

#ifdef __cplusplus
extern "C" {
#endif

/**
 * Define static pool storage with the blocks in PSRAM and the links in
 * internal RAM: `name` (block_bytes bytes, EXT_RAM_BSS_ATTR, 64-byte aligned)
 * and `name##_meta` (TP_POOL_META_BYTES(total_blocks) bytes). Pass both to
 * tp_pool_init_split. Needs CONFIG_SPIRAM_ALLOW_BSS_SEG_EXTERNAL_MEMORY.
 * @param name          the block array's name
 * @param block_bytes   at least tp_pool_block_bytes(tiers, n)
 * @param total_blocks  the sum of the tiers' block counts
 */
#define TP_ESPIDF_PSRAM_STORAGE_DEFINE(name, block_bytes, total_blocks) \
    TP_ALIGNAS(64) static EXT_RAM_BSS_ATTR uint8_t name[(block_bytes)]; \
    static uint32_t name##_meta[TP_POOL_META_BYTES(total_blocks) / 4u]

/**
 * Allocate a pool's storage once from DMA-capable internal RAM with
 * heap_caps_aligned_alloc(align, size, MALLOC_CAP_DMA | MALLOC_CAP_INTERNAL)
 * and initialise the pool over it: the library's only allocation, and only
 * if you call this.
 * @param pool         the pool to initialise
 * @param tiers        its tiers (as tp_pool_init)
 * @param n_tiers      how many
 * @param align        a power of two >= 4 (the cache line or the peripheral's DMA alignment)
 * @param storage_out  receives the buffer: keep it for the pool's lifetime (tierpool never frees it)
 * @retval TP_OK               allocated and initialised
 * @retval TP_ERR_INVALID_ARG  a bad configuration or argument: nothing allocated
 * @retval TP_ERR_NO_MEM       the heap could not provide it
 */
tp_err_t tp_espidf_pool_init_dma(tp_pool_t *pool, const tp_tier_t *tiers, size_t n_tiers, size_t align,
                                 void **storage_out);

/**
 * The same as tp_health_default_config, whose defaults are the thresholds set
 * in menuconfig (tierpool menu, mapped by tp_port_config.h); kept for
 * existing callers.
 * @param cfg  receives the thresholds; NULL does nothing
 */
void tp_espidf_health_config(tp_health_config_t *cfg);

#ifdef __cplusplus
}
#endif

#endif /* TP_ESPIDF_H */
