/*
 * addrmap.h - live blocks by the address (or id) a trace gave them: an open
 * addressing hash table with linear probing and backward-shift deletion, so
 * millions of alloc/free pairs leave no tombstones behind. The hash is keyed
 * with random bits per map and re-keyed when a walk grows long, so crafted
 * addresses cannot make it quadratic (addrmap.c says how).
 */
#ifndef PS_ADDRMAP_H
#define PS_ADDRMAP_H

#include <stddef.h>
#include <stdint.h>

typedef struct {
    uint64_t addr;
    void *heap_ptr; /* the engine: the heap model's block, NULL when it failed */
    void *pool_ptr; /* the engine: the pool's block, NULL when it failed */
    uint32_t size;  /* bytes requested */
    uint32_t tag;   /* the planner: size class */
    uint8_t used;
} ps_slot_t;

/* Entries one map holds at most (docs/poolsim.md, "Limits"): a trace with more
 * blocks alive at once is refused, not followed into unbounded memory. */
#define PS_ADDRMAP_MAX ((size_t)1 << 24)

typedef struct {
    ps_slot_t *s;
    size_t cap, n;   /* cap is a power of two */
    uint64_t key[2]; /* the hash's key */
    uint64_t seed;   /* where keys come from (0: from the system's random source) */
    uint64_t probes; /* slots looked at by find and insert (tests: the cost stays linear) */
    unsigned rekeys; /* times a long walk made the table take a fresh key */
    int full;        /* an insert was refused at PS_ADDRMAP_MAX entries */
} ps_addrmap_t;

int ps_addrmap_init(ps_addrmap_t *m); /* 0 or -1 (out of memory) */
void ps_addrmap_destroy(ps_addrmap_t *m);
ps_slot_t *ps_addrmap_find(ps_addrmap_t *m, uint64_t addr);
/* A new zeroed slot for addr (which must not be present); NULL when out of
 * memory or at PS_ADDRMAP_MAX entries (then m->full is set). Other slots may move. */
ps_slot_t *ps_addrmap_insert(ps_addrmap_t *m, uint64_t addr);
void ps_addrmap_delete(ps_addrmap_t *m, ps_slot_t *slot);

#endif /* PS_ADDRMAP_H */
