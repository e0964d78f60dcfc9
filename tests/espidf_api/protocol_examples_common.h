#pragma once
/* examples/common_components/protocol_examples_common/include/protocol_examples_common.h (v5.5.5) */
#include "esp_err.h"
esp_err_t example_connect(void);
