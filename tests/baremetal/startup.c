/* Minimal Cortex-M3 start-up for QEMU mps2-an385: vector table, copy .data,
 * then newlib's _mainCRTStartup (zeroes .bss, semihosting handles, main, exit). */
#include <stdint.h>
extern uint32_t __data_load, __data_start, __data_end, __stack_top;
extern void _mainCRTStartup(void);
extern void _exit(int status);
void reset_handler(void);
/* A fault ends the run with a failing exit code (semihosting) instead of
 * hanging until ctest's timeout. */
static void fault_handler(void)
{
    _exit(70);
}
/* Tests that use SysTick define their own handler. */
void SysTick_Handler(void) __attribute__((weak));
void SysTick_Handler(void)
{
}
__attribute__((section(".vectors"), used)) static const void *const vectors[16] = {
    &__stack_top,
    (const void *)reset_handler,
    (const void *)fault_handler,
    (const void *)fault_handler,
    (const void *)fault_handler,
    (const void *)fault_handler,
    (const void *)fault_handler,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    0,
    (const void *)SysTick_Handler,
};
void reset_handler(void)
{
    uint32_t *src = &__data_load;
    for (uint32_t *dst = &__data_start; dst < &__data_end;) {
        *dst++ = *src++;
    }
    _mainCRTStartup();
}
