/*
 * tp_espidf.c - ESP-IDF helpers for applications (see tp_espidf.h): pool
 * storage in DMA-capable RAM, and the health thresholds set in menuconfig.
 *
 * Not part of the port (tp_port_espidf.c, tp_sys_espidf.c), which sits below
 * the library: these helpers call the library, so they sit above it
 * (docs/architecture.md).
 */
#include "include/tp_espidf.h"

#include "esp_heap_caps.h"

tp_err_t tp_espidf_pool_init_dma(tp_pool_t *pool, const tp_tier_t *tiers, size_t n_tiers, size_t align,
                                 void **storage_out)
{
    const size_t need = tp_pool_storage_size(tiers, n_tiers);
    if (pool == NULL || storage_out == NULL || need == 0u || align < 4u || (align & (align - 1u)) != 0u) {
        return TP_ERR_INVALID_ARG;
    }
    /* The one allocation of the library: pool storage, once, at start-up. */
    void *storage = heap_caps_aligned_alloc(align, need, MALLOC_CAP_DMA | MALLOC_CAP_INTERNAL);
    if (storage == NULL) {
        return TP_ERR_NO_MEM;
    }
    const tp_err_t err = tp_pool_init(pool, tiers, n_tiers, storage, need);
    if (err != TP_OK) {
        heap_caps_free(storage);
        return err;
    }
    *storage_out = storage;
    return TP_OK;
}

void tp_espidf_health_config(tp_health_config_t *cfg)
{
    /* The menuconfig thresholds reach TP_CFG_HEALTH_* through tp_port_config.h,
     * and tp_health_default_config applies them. */
    tp_health_default_config(cfg);
}
