/*
 * A scripted system heap for the diagnostics tests, installed into the host
 * port with tp_sys_host_set_heap. The test states the heap's figures (bytes
 * free, largest free block) instead of building a fragmented heap: the
 * health monitor and the readiness gate read only those figures, and exact
 * numbers make the expected states exact.
 *
 * Allocations are carved from the largest free block: one succeeds when it
 * fits that block, and takes its size from both figures; releasing it gives
 * the size back to both (exact for last-in-first-out use, which is what the
 * tests do). The low-water mark of the free bytes follows every change.
 */
#ifndef TEST_HEAP_H
#define TEST_HEAP_H

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "tp_sys_host.h"

#define TEST_HEAP_DEFAULT_BYTES (164u * 1024u) /* the seed's application heap */
#define TEST_HEAP_LIVE 16u

typedef struct {
    uint32_t total, free, largest, min_free;
    uint32_t allocs;           /* successful allocations */
    uint32_t live;             /* allocations not released */
    void *ptr[TEST_HEAP_LIVE]; /* live allocations (malloc'd) and their sizes */
    uint32_t size[TEST_HEAP_LIVE];
} test_heap_t;

static test_heap_t test_heap;

static inline void test_heap_note_free(void)
{
    if (test_heap.free < test_heap.min_free) {
        test_heap.min_free = test_heap.free;
    }
}

static inline void *test_heap_alloc(void *ctx, size_t size)
{
    (void)ctx;
    if (size == 0u || size > test_heap.largest || test_heap.live >= TEST_HEAP_LIVE) {
        return NULL;
    }
    void *p = malloc(size);
    if (p == NULL) {
        return NULL;
    }
    test_heap.ptr[test_heap.live] = p;
    test_heap.size[test_heap.live] = (uint32_t)size;
    test_heap.live++;
    test_heap.allocs++;
    test_heap.free -= (uint32_t)size;
    test_heap.largest -= (uint32_t)size;
    test_heap_note_free();
    return p;
}

static inline void test_heap_release(void *ctx, void *ptr)
{
    (void)ctx;
    for (uint32_t i = 0; i < test_heap.live; i++) {
        if (test_heap.ptr[i] == ptr) {
            test_heap.free += test_heap.size[i];
            test_heap.largest += test_heap.size[i];
            free(ptr);
            test_heap.live--;
            test_heap.ptr[i] = test_heap.ptr[test_heap.live];
            test_heap.size[i] = test_heap.size[test_heap.live];
            return;
        }
    }
    abort(); /* not from this heap: a bug in the code under test */
}

static inline void test_heap_info(void *ctx, tp_heap_info_t *out)
{
    (void)ctx;
    out->total_free = test_heap.free;
    out->largest_free = test_heap.largest;
    out->min_free_ever = test_heap.min_free;
    out->total_size = test_heap.total;
}

/* A fresh heap of `total` bytes, all of it one free block, installed. */
static inline void test_heap_reset(uint32_t total)
{
    for (uint32_t i = 0; i < test_heap.live; i++) {
        free(test_heap.ptr[i]);
    }
    memset(&test_heap, 0, sizeof test_heap);
    test_heap.total = test_heap.free = test_heap.largest = test_heap.min_free = total;
    const tp_sys_host_heap_t ops = { test_heap_alloc, test_heap_release, test_heap_info, NULL };
    (void)tp_sys_host_set_heap(&ops);
}

/* The heap's shape now: `free` bytes free, the largest block `largest` (<= free). */
static inline void test_heap_set(uint32_t free_bytes, uint32_t largest)
{
    test_heap.free = free_bytes;
    test_heap.largest = largest < free_bytes ? largest : free_bytes;
    test_heap_note_free();
}

#endif
