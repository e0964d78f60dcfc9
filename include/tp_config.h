/*
 * tp_config.h - every build option of tierpool, with its default, in one place.
 *
 * Override any option with -D on the compiler command line, or by creating a
 * header named "tp_user_config.h" on the include path and defining
 * TP_USER_CONFIG (ESP-IDF builds map Kconfig's CONFIG_TP_* values here).
 */
#ifndef TP_CONFIG_H
#define TP_CONFIG_H

#if defined(TP_USER_CONFIG)
#include "tp_user_config.h"
#endif

/* ESP-IDF: translate the component's Kconfig choices (sdkconfig.h) into TP_CFG_*. */
#if defined(ESP_PLATFORM) && !defined(TP_NO_KCONFIG)
#include "sdkconfig.h"
/* A Kconfig bool that is off is not defined at all in sdkconfig.h. */
#if !defined(TP_CFG_THREAD_SAFE)
#if defined(CONFIG_TP_THREAD_SAFE)
#define TP_CFG_THREAD_SAFE 1
#else
#define TP_CFG_THREAD_SAFE 0
#endif
#endif
#if !defined(TP_CFG_TRACKING)
#if defined(CONFIG_TP_TRACKING)
#define TP_CFG_TRACKING 1
#else
#define TP_CFG_TRACKING 0
#endif
#endif
#if defined(CONFIG_TP_MAX_TIERS) && !defined(TP_CFG_MAX_TIERS)
#define TP_CFG_MAX_TIERS CONFIG_TP_MAX_TIERS
#endif
#if defined(CONFIG_TP_DEFAULT_TIER_COUNT) && !defined(TP_CFG_DEFAULT_TIERS)
#include "tp_kconfig_tiers.h"
#endif
#endif

/*
 * TP_CFG_THREAD_SAFE (default 1)
 * 1: every pool call takes the port's critical section (tp_port.h).
 * 0: no locking at all; for single-threaded firmware or a caller that locks.
 */
#ifndef TP_CFG_THREAD_SAFE
#define TP_CFG_THREAD_SAFE 1
#endif

/*
 * TP_CFG_MAX_TIERS (default 16)
 * Tiers a tp_pool_t can hold. Each tier costs sizeof(tp_tier_state_t) bytes
 * inside every tp_pool_t, used or not.
 */
#ifndef TP_CFG_MAX_TIERS
#define TP_CFG_MAX_TIERS 16
#endif

/*
 * TP_MAX_BLOCKS_PER_TIER (fixed at 65534)
 * A tier keeps one 16-bit link per block (the free list, and the mark of a
 * live block); two link values are reserved, so a tier holds at most 65534
 * blocks. Bookkeeping is 2 bytes per block, in the pool's meta storage.
 */
#define TP_MAX_BLOCKS_PER_TIER 65534u

/*
 * TP_CFG_STORAGE_ALIGN (default 64)
 * Alignment that TP_POOL_STORAGE_DEFINE gives static storage. Blocks whose size
 * is a multiple of A (a power of two <= this) start at a multiple of A.
 */
#ifndef TP_CFG_STORAGE_ALIGN
#define TP_CFG_STORAGE_ALIGN 64
#endif

/* Alignment specifier for the storage macros, in C11 and in C++ (Arduino
 * sketches and many ESP-IDF apps are C++). Not an option. */
#ifdef __cplusplus
#define TP_ALIGNAS(a) alignas(a)
#else
#define TP_ALIGNAS(a) _Alignas(a)
#endif

/*
 * TP_CFG_DEFAULT_TIERS(X) (default: the seed's X(256,64) X(1024,24) X(4096,12))
 * The tiers of the default pool (memory_pools_init / pool_alloc / pool_free),
 * as an X-macro of (block_size, block_count) pairs, smallest size first.
 * Example: -D'TP_CFG_DEFAULT_TIERS(X)=X(64,128) X(512,32) X(4096,8)'
 * poolsim's planner writes a header defining it (poolsim plan --header).
 */
#ifndef TP_CFG_DEFAULT_TIERS
#define TP_CFG_DEFAULT_TIERS(X) X(256, 64) X(1024, 24) X(4096, 12)
#endif

/*
 * TP_CFG_TRACKING (default 0)
 * 1: compile the allocation-tracking layer (tp_track.h). With 0 it costs
 * nothing: tp_alloc and tp_free do not change at all.
 */
#ifndef TP_CFG_TRACKING
#define TP_CFG_TRACKING 0
#endif

/*
 * TP_CFG_ASSERT(expr) (default: nothing)
 * Internal invariant checks. Define as assert(expr) in debug builds.
 */
#ifndef TP_CFG_ASSERT
#define TP_CFG_ASSERT(expr) ((void)0)
#endif

#endif /* TP_CONFIG_H */
