#pragma once
/* components/hal/include/hal/spi_types.h (v5.5.5) */
typedef enum {
    SPI1_HOST = 0,
    SPI2_HOST = 1,
    SPI3_HOST = 2,
    SPI_HOST_MAX,
} spi_host_device_t;
/* soc/clk_tree_defs.h and hal/spi_types.h: types of fields this project leaves at 0 */
typedef int spi_clock_source_t;
typedef enum { SPI_SAMPLING_POINT_PHASE_0, SPI_SAMPLING_POINT_PHASE_1 } spi_sampling_point_t;
