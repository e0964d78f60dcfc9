/* addrmap.c - see addrmap.h. */
#include "addrmap.h"

#include <stdlib.h>
#include <string.h>

static size_t hash(uint64_t a, size_t cap)
{
    /* murmur3's finaliser: trace addresses differ mostly in a few middle bits */
    a ^= a >> 33;
    a *= 0xff51afd7ed558ccdull;
    a ^= a >> 33;
    return (size_t)a & (cap - 1u);
}

int ps_addrmap_init(ps_addrmap_t *m)
{
    m->cap = 1024;
    m->n = 0;
    m->s = calloc(m->cap, sizeof *m->s);
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
    for (size_t i = hash(addr, m->cap);; i = (i + 1u) & (m->cap - 1u)) {
        if (!m->s[i].used)
            return NULL;
        if (m->s[i].addr == addr)
            return &m->s[i];
    }
}

static ps_slot_t *place(ps_addrmap_t *m, uint64_t addr)
{
    size_t i = hash(addr, m->cap);
    while (m->s[i].used)
        i = (i + 1u) & (m->cap - 1u);
    memset(&m->s[i], 0, sizeof m->s[i]);
    m->s[i].used = 1;
    m->s[i].addr = addr;
    m->n++;
    return &m->s[i];
}

ps_slot_t *ps_addrmap_insert(ps_addrmap_t *m, uint64_t addr)
{
    if ((m->n + 1u) * 4u > m->cap * 3u) { /* keep the load below 3/4 */
        ps_addrmap_t bigger = { calloc(m->cap * 2u, sizeof(ps_slot_t)), m->cap * 2u, 0 };
        if (!bigger.s)
            return NULL;
        for (size_t i = 0; i < m->cap; i++)
            if (m->s[i].used)
                *place(&bigger, m->s[i].addr) = m->s[i];
        free(m->s);
        *m = bigger;
    }
    return place(m, addr);
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
        size_t home = hash(m->s[j].addr, m->cap);
        /* j may move into the hole at i unless its home lies cyclically in (i, j] */
        int stays = i <= j ? (i < home && home <= j) : (i < home || home <= j);
        if (!stays) {
            m->s[i] = m->s[j];
            m->s[j].used = 0;
            i = j;
        }
    }
}
