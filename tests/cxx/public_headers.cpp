/*
 * Compiled (never run) as C++ by scripts/static_checks.sh (host g++) and
 * scripts/check_espidf_port.sh (arm-none-eabi-g++, with ESP_PLATFORM): the
 * public headers and their storage macros work from C++, as Arduino sketches
 * and many ESP-IDF apps are.
 */
#include "tierpool.h"
#include "tp_crash.h"
#include "tp_dma.h"
#include "tp_frame.h"
#include "tp_gate.h"
#include "tp_health.h"
#include "tp_ledbuf.h"
#include "tp_stack.h"
#include "tp_store.h"
#include "tp_sys.h"
#include "tp_track.h"
#ifdef ESP_PLATFORM
#include "tp_espidf.h"
#endif

static const tp_tier_t tiers[] = { { 256, 64 }, { 1024, 24 }, { 4096, 12 } };
TP_POOL_STORAGE_DEFINE(storage, TP_POOL_STORAGE_BOUND(3, 256 * 64 + 1024 * 24 + 4096 * 12, 100));
static_assert(__alignof__(storage) == TP_CFG_STORAGE_ALIGN, "storage alignment (GNU alignof of an object)");
static_assert(TP_POOL_META_BYTES(100) == 200, "2 bytes of links per block");
static tp_pool_t pool;
TP_DMA_STORAGE_DEFINE(dma_storage, 2, 181, 1);
static_assert(sizeof dma_storage == 2 * 2 * TP_DMA_BUFFER_BYTES(181), "DMA pairs");
static tp_dma_set_t dma;

#ifdef ESP_PLATFORM
TP_ESPIDF_PSRAM_STORAGE_DEFINE(psram_blocks, 256 * 64 + 1024 * 24 + 4096 * 12, 100);
static_assert(sizeof psram_blocks_meta == 200, "links of the PSRAM pool");
static tp_pool_t psram_pool;
#endif

int use_from_cxx();
int use_from_cxx()
{
    if (tp_pool_init(&pool, tiers, 3, storage, sizeof storage) != TP_OK) {
        return 1;
    }
#ifdef ESP_PLATFORM
    if (tp_pool_init_split(&psram_pool, tiers, 3, psram_blocks, sizeof psram_blocks, psram_blocks_meta,
                           sizeof psram_blocks_meta) != TP_OK) {
        return 1;
    }
#endif
    if (tp_dma_init(&dma, dma_storage, sizeof dma_storage, 2, 181, 1) != TP_OK) {
        return 1;
    }
    void *p = TP_ALLOC(&pool, 100);
    return TP_FREE(&pool, p) == TP_OK ? 0 : 1;
}
