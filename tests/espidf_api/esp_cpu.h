#pragma once
#include <stdbool.h>
#include <stdint.h>
bool esp_cpu_compare_and_set(volatile uint32_t *addr, uint32_t compare_value, uint32_t new_value);
