#pragma once
/* components/esp_common/include/esp_assert.h: ESP_STATIC_ASSERT is C11's
 * static_assert (from <assert.h>), usable where a declaration is. */
#include <assert.h>
#define ESP_STATIC_ASSERT static_assert
