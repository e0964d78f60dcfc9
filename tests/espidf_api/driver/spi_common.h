#pragma once
/* components/esp_driver_spi/include/driver/spi_common.h (v5.5.5) */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "esp_err.h"
#include "hal/spi_types.h"

typedef enum {
    SPI_DMA_DISABLED = 0,
    SPI_DMA_CH_AUTO = 3,
} spi_common_dma_t;
typedef spi_common_dma_t spi_dma_chan_t;
/* esp_intr_types.h */
typedef enum { ESP_INTR_CPU_AFFINITY_AUTO, ESP_INTR_CPU_AFFINITY_0, ESP_INTR_CPU_AFFINITY_1 } esp_intr_cpu_affinity_t;

typedef struct {
    union { int mosi_io_num; int data0_io_num; };
    union { int miso_io_num; int data1_io_num; };
    int sclk_io_num;
    union { int quadwp_io_num; int data2_io_num; };
    union { int quadhd_io_num; int data3_io_num; };
    int data4_io_num;
    int data5_io_num;
    int data6_io_num;
    int data7_io_num;
    bool data_io_default_level;
    int max_transfer_sz;
    uint32_t flags;
    esp_intr_cpu_affinity_t isr_cpu_id;
    int intr_flags;
} spi_bus_config_t;

esp_err_t spi_bus_initialize(spi_host_device_t host_id, const spi_bus_config_t *bus_config,
                             spi_dma_chan_t dma_chan);
esp_err_t spi_bus_free(spi_host_device_t host_id);
