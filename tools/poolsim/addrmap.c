/*
 * addrmap.c - see addrmap.h.
 *
 * Trace addresses come from outside: a crafted trace could pick addresses
 * that all land in one slot of an unkeyed hash (murmur's finaliser is
 * invertible), making every insert walk the whole cluster. So the hash is
 * keyed with 128 random bits per map, and an insert that has to walk more
 * than PROBE_LIMIT slots rebuilds the table under a fresh key (and a larger
 * size if a fresh key alone does not help): the walk stays short whatever
 * the addresses.
 */
#define _POSIX_C_SOURCE 200809L /* clock_gettime */
#include "addrmap.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PROBE_LIMIT 64u

static uint64_t mix(uint64_t a)
{
    /* murmur3's finaliser */
    a ^= a >> 33;
    a *= 0xff51afd7ed558ccdull;
    a ^= a >> 33;
    a *= 0xc4ceb9fe1a85ec53ull;
    a ^= a >> 33;
    return a;
}

static size_t hash(const ps_addrmap_t *m, uint64_t a)
{
    return (size_t)(mix((a ^ m->key[0]) + m->key[1]) & (m->cap - 1u));
}

/* 64 random bits: the system's random source, or time and address entropy. */
static uint64_t random_u64(uint64_t *state)
{
    if (*state == 0) {
        FILE *f = fopen("/dev/urandom", "rb");
        if (f == NULL || fread(state, sizeof *state, 1, f) != 1) {
            struct timespec ts;
            clock_gettime(CLOCK_MONOTONIC, &ts);
            *state = (uint64_t)ts.tv_nsec ^ ((uint64_t)ts.tv_sec << 32) ^ (uint64_t)(uintptr_t)state;
        }
        if (f != NULL)
            fclose(f);
    }
    /* splitmix64 */
    uint64_t z = (*state += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

static void new_key(ps_addrmap_t *m)
{
    m->key[0] = random_u64(&m->seed);
    m->key[1] = random_u64(&m->seed);
}

int ps_addrmap_init(ps_addrmap_t *m)
{
    memset(m, 0, sizeof *m);
    m->cap = 1024;
    m->s = calloc(m->cap, sizeof *m->s);
    new_key(m);
    return m->s ? 0 : -1;
}

void ps_addrmap_destroy(ps_addrmap_t *m)
{
    free(m->s);
    m->s = NULL;
    m->cap = m->n = 0;
}

ps_slot_t *ps_addrmap_find(ps_addrmap_t *m, uint64_t addr)
{
    for (size_t i = hash(m, addr);; i = (i + 1u) & (m->cap - 1u)) {
        m->probes++;
        if (!m->s[i].used)
            return NULL;
        if (m->s[i].addr == addr)
            return &m->s[i];
    }
}

/* Put addr in its slot; the walk's length in *walk. */
static ps_slot_t *place(ps_addrmap_t *m, uint64_t addr, size_t *walk)
{
    size_t i = hash(m, addr), w = 0;
    while (m->s[i].used) {
        m->probes++;
        w++;
        i = (i + 1u) & (m->cap - 1u);
    }
    memset(&m->s[i], 0, sizeof m->s[i]);
    m->s[i].used = 1;
    m->s[i].addr = addr;
    m->n++;
    *walk = w;
    return &m->s[i];
}

/* Move every entry into a table of cap slots under the current key. */
static int rebuild(ps_addrmap_t *m, size_t cap)
{
    ps_addrmap_t bigger = *m;
    bigger.s = calloc(cap, sizeof(ps_slot_t));
    if (!bigger.s)
        return -1;
    bigger.cap = cap;
    bigger.n = 0;
    size_t walk;
    for (size_t i = 0; i < m->cap; i++)
        if (m->s[i].used)
            *place(&bigger, m->s[i].addr, &walk) = m->s[i];
    free(m->s);
    *m = bigger;
    return 0;
}

ps_slot_t *ps_addrmap_insert(ps_addrmap_t *m, uint64_t addr)
{
    if (m->n >= PS_ADDRMAP_MAX) {
        m->full = 1;
        return NULL;
    }
    if ((m->n + 1u) * 4u > m->cap * 3u && rebuild(m, m->cap * 2u)) /* keep the load below 3/4 */
        return NULL;
    size_t walk;
    ps_slot_t *s = place(m, addr, &walk);
    if (walk <= PROBE_LIMIT)
        return s;
    /* a long walk: a fresh key, and room to spare if keys alone do not help */
    for (unsigned tries = 0; tries < 8u; tries++) {
        new_key(m);
        m->rekeys++;
        if (rebuild(m, tries < 2u ? m->cap : m->cap * 2u))
            return NULL;
        s = ps_addrmap_find(m, addr);
        size_t longest = 0, run = 0;
        for (size_t i = 0; i < 2u * m->cap; i++) { /* the longest cluster, wrapping around */
            run = m->s[i & (m->cap - 1u)].used ? run + 1u : 0u;
            if (run > longest)
                longest = run;
            if (run > m->cap)
                break;
        }
        if (longest <= PROBE_LIMIT)
            break;
    }
    return s;
}

void ps_addrmap_delete(ps_addrmap_t *m, ps_slot_t *victim)
{
    size_t i = (size_t)(victim - m->s);
    size_t j = i;
    m->s[i].used = 0;
    m->n--;
    for (;;) {
        j = (j + 1u) & (m->cap - 1u);
        if (!m->s[j].used)
            return;
        size_t home = hash(m, m->s[j].addr);
        /* j may move into the hole at i unless its home lies cyclically in (i, j] */
        int stays = i <= j ? (i < home && home <= j) : (i < home || home <= j);
        if (!stays) {
            m->s[i] = m->s[j];
            m->s[j].used = 0;
            i = j;
        }
    }
}
