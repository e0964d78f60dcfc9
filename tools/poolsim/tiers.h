/*
 * tiers.h - pool configurations as text: the --tiers notation
 * "256x64,1024x24,4096x12" (block size x block count, smallest size first)
 * and the C header the planner writes.
 */
#ifndef PS_TIERS_H
#define PS_TIERS_H

#include <stddef.h>
#include <stdio.h>

#include "tierpool.h"

/* The library's default pool, TP_CFG_DEFAULT_TIERS (tp_config.h: the seed's
 * tiers), into tiers; returns the count. poolsim's default --tiers. */
size_t ps_tiers_default(tp_tier_t tiers[TP_CFG_MAX_TIERS]);

/* The same for a help text, " 256x64 1024x24 4096x12": made from
 * TP_CFG_DEFAULT_TIERS by the preprocessor, so never a copy of it. */
#define PS_TIERS_WORD_(size, count) " " #size "x" #count
#define PS_DEFAULT_TIERS_TEXT TP_CFG_DEFAULT_TIERS(PS_TIERS_WORD_)

/*
 * Parse text into tiers (up to TP_CFG_MAX_TIERS). Returns 0, or -1 with a
 * message in err saying what was wrong and what is accepted. The syntax is
 * checked here; validity is decided by the library's tp_tiers_check, the one
 * validation tp_pool_init uses too (sizes > 0 and strictly increasing, counts
 * 1..TP_MAX_BLOCKS_PER_TIER, at most TP_CFG_MAX_TIERS tiers, blocks below 2^31
 * bytes), so poolsim accepts exactly what the library does.
 */
int ps_tiers_parse(const char *text, tp_tier_t *tiers, size_t *n_tiers, char *err, size_t err_len);

/* "256x64,1024x24,4096x12" into buf (truncated to len). */
void ps_tiers_format(const tp_tier_t *tiers, size_t n, char *buf, size_t len);

/* Sum of size * count. */
uint64_t ps_tiers_block_bytes(const tp_tier_t *tiers, size_t n);

/* The planner's header: TP_CFG_DEFAULT_TIERS(X) and a static const tp_tier_t array. */
int ps_tiers_write_header(FILE *f, const tp_tier_t *tiers, size_t n, const char *comment);

#endif /* PS_TIERS_H */
