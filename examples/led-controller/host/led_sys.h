/*
 * led_sys.h - the host platform's system port (led_sys.c implements tp_sys.h)
 * and its controls.
 */
#ifndef LED_SYS_H
#define LED_SYS_H

#include <stddef.h>
#include <stdint.h>

#include "tp_sys.h"

/* Largest "system heap" (the network library's heap model). */
#define LED_SYS_MAX_HEAP ((size_t)4u * 1024u * 1024u)

/* Create the heap model (heap_bytes, at most LED_SYS_MAX_HEAP) and start the clock. 0 on success. */
int led_sys_init(size_t heap_bytes);

/* Name and id of the calling thread (its "task"). */
void led_sys_set_thread(const char *name, uint32_t id);

/* The calling thread is (1) or is no longer (0) in an "interrupt handler". */
void led_sys_set_in_isr(int in_isr);

/* realloc semantics over the heap model (size 0 frees); thread-safe. */
void *led_sys_heap_realloc(void *ptr, size_t size);

/* The heap model's live bytes and blocks and its failed requests. */
void led_sys_heap_stats(uint32_t *used_bytes, uint32_t *used_blocks, uint32_t *failed);

/* 1 after tp_sys_reboot was called (a health policy asked for a reboot). */
int led_sys_reboot_requested(void);

#endif /* LED_SYS_H */
