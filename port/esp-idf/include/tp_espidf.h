/*
 * tp_espidf.h - ESP-IDF helpers (ESP-IDF 5.0 .. 5.5): where pool storage can
 * live, and the Kconfig health thresholds. The port itself (locks, tp_sys.h,
 * the stack-overflow hook and the panic-handler wrap) needs no calls.
 *
 * Pool storage, three ways (bookkeeping is always in internal RAM):
 *  1. static .bss:   TP_POOL_STORAGE_DEFINE(buf, bytes); tp_pool_init(...)
 *  2. DMA-capable internal RAM, taken once at start-up:
 *                    tp_espidf_pool_init_dma(&pool, tiers, n, 4, &storage)
 *  3. PSRAM (.bss in external RAM, needs CONFIG_SPIRAM_ALLOW_BSS_SEG_EXTERNAL_MEMORY):
 *                    TP_ESPIDF_PSRAM_STORAGE_DEFINE(name, block_bytes, total_blocks);
 *                    tp_pool_init_split(&pool, tiers, n, name, sizeof name,
 *                                       name##_meta, sizeof name##_meta)
 *     block_bytes: at least tp_pool_block_bytes(tiers, n), i.e. the sum of
 *     size x count plus up to 63 bytes of alignment per tier (init refuses
 *     less); total_blocks: the sum of the counts.
 *     The blocks are in PSRAM; the links (name##_meta) stay in internal RAM,
 *     where the lock-holding code touches them with the cache off.
 */
#ifndef TP_ESPIDF_H
#define TP_ESPIDF_H

#include "../../../include/tierpool.h"
#include "../../../include/tp_health.h"

#include "esp_attr.h" /* EXT_RAM_BSS_ATTR */

#ifdef __cplusplus
extern "C" {
#endif

#define TP_ESPIDF_PSRAM_STORAGE_DEFINE(name, block_bytes, total_blocks) \
    TP_ALIGNAS(64) static EXT_RAM_BSS_ATTR uint8_t name[(block_bytes)]; \
    static uint32_t name##_meta[TP_POOL_META_BYTES(total_blocks) / 4u]

/*
 * Allocate the pool's storage once from DMA-capable internal RAM with
 * heap_caps_aligned_alloc(align, size, MALLOC_CAP_DMA | MALLOC_CAP_INTERNAL)
 * and initialise the pool over it. align: a power of two >= 4 (use the
 * cache-line size or the peripheral's DMA alignment). *storage_out gets the
 * buffer (keep it for the pool's lifetime; it is never freed by tierpool).
 * Errors: TP_ERR_INVALID_ARG (bad config or arguments: nothing allocated),
 * TP_ERR_NO_MEM (the heap could not provide it).
 */
tp_err_t tp_espidf_pool_init_dma(tp_pool_t *pool, const tp_tier_t *tiers, size_t n_tiers,
                                 size_t align, void **storage_out);

/* The same as tp_health_default_config, whose defaults are the thresholds set
 * in menuconfig (tierpool menu, mapped by tp_port_config.h); kept for
 * existing callers. */
void tp_espidf_health_config(tp_health_config_t *cfg);

#ifdef __cplusplus
}
#endif

#endif /* TP_ESPIDF_H */
