/**
 * @file tp_config.h
 * @brief Every build option of tierpool, with its default and its checks, in
 * one place (as lwIP's opt.h).
 *
 * How a value is chosen, first match wins:
 *  1. `-D` on the compiler command line;
 *  2. `tp_user_config.h`, when the build defines TP_USER_CONFIG (the
 *     application's own header, anywhere on the include path);
 *  3. `tp_port_config.h`, when the build defines TP_PORT_CONFIG (the port's
 *     header: ESP-IDF maps its Kconfig menu, CONFIG_TP_*, there);
 *  4. the defaults below.
 * Every value is then checked at the end of this file: a bad one stops the
 * build with an `#error` naming the option. Each default is written here
 * only; the Kconfig menu's defaults are checked against these by
 * scripts/check_kconfig.py in CI.
 *
 * This file includes nothing from a port by name. The one hook a port has
 * into the core is TP_PORT_CONFIG (see below and tp_port.h).
 */
#ifndef TP_CONFIG_H
#define TP_CONFIG_H

#if defined(TP_USER_CONFIG)
#include "tp_user_config.h"
#endif

/*
 * TP_PORT_CONFIG: the port hook. When defined (by the port's build: the ESP-IDF
 * component, the CMake targets of the host and Cortex-M ports), this file
 * includes `tp_port_config.h`, which the port keeps in its own include
 * directory (port/<target>/include/). As FreeRTOS's portmacro.h, that header
 * may
 *  - set options from the platform's configuration (ESP-IDF: CONFIG_TP_*),
 *    only where the user did not;
 *  - set TP_PORT_LOCK_WORDS, the size of its lock;
 *  - give its critical section inline, by defining TP_PORT_LOCK_INIT(lock),
 *    TP_PORT_TRY_ENTER(lock, state_ptr),
 *    TP_PORT_ENTER(lock) and TP_PORT_EXIT(lock, state) (tp_port.h says what
 *    they must do). Without them the core calls the port's out-of-line
 *    tp_port_enter / tp_port_exit.
 * Not defined: no port header; a user-provided port implements tp_port.h's
 * functions in a .c file.
 */
#if defined(TP_PORT_CONFIG)
#include "tp_port_config.h"
#endif

/* ======================================================================
 * Core: pools
 * ====================================================================== */

/**
 * @def TP_CFG_THREAD_SAFE
 * @brief 1 (default): every pool call takes the port's critical section
 * (tp_port.h), so pools may be shared by tasks, cores and, on ports that mask
 * interrupts, ISRs. 0: no locking at all, for single-threaded firmware or a
 * caller that serialises every call on a pool. Values: 0 or 1.
 *
 * The default is 1 on every platform, Arduino included (arduino-esp32 runs
 * FreeRTOS with preemption on two cores). On ESP-IDF the menuconfig option
 * TP_THREAD_SAFE sets it.
 */
#ifndef TP_CFG_THREAD_SAFE
#define TP_CFG_THREAD_SAFE 1
#endif

/**
 * @def TP_CFG_MAX_TIERS
 * @brief Tiers a tp_pool_t can hold (default 16, 1..32). Each tier costs
 * sizeof(tp_tier_state_t) bytes inside every tp_pool_t, used or not.
 */
#ifndef TP_CFG_MAX_TIERS
#define TP_CFG_MAX_TIERS 16
#endif

/**
 * @def TP_MAX_BLOCKS_PER_TIER
 * @brief Not an option: fixed at 65534. A tier keeps one 16-bit link per
 * block (its free list, and the mark of a live block); two link values are
 * reserved, so a tier holds at most 65534 blocks. Bookkeeping is 2 bytes per
 * block, in the pool's meta storage.
 */
#define TP_MAX_BLOCKS_PER_TIER 65534u

/**
 * @def TP_CFG_STORAGE_ALIGN
 * @brief Alignment TP_POOL_STORAGE_DEFINE gives static storage (default 64; a
 * power of two, 4..4096). Blocks whose size is a multiple of A (a power of two
 * <= this and <= 64) start at a multiple of A.
 */
#ifndef TP_CFG_STORAGE_ALIGN
#define TP_CFG_STORAGE_ALIGN 64
#endif

/**
 * @def TP_CFG_DEFAULT_TIERS
 * @brief The tiers of the default pool (memory_pools_init, pool_alloc,
 * pool_free), as an X-macro of (block_size, block_count) pairs, smallest size
 * first. Default: the seed's X(256, 64) X(1024, 24) X(4096, 12).
 * Example: `-D'TP_CFG_DEFAULT_TIERS(X)=X(64,128) X(512,32) X(4096,8)'`.
 * `poolsim plan --header` writes a header defining it. tp_default.c checks
 * the list at compile time (count) and tp_pool_init at start-up (the rest).
 */
#ifndef TP_CFG_DEFAULT_TIERS
#define TP_CFG_DEFAULT_TIERS(X) X(256, 64) X(1024, 24) X(4096, 12)
#endif

/**
 * @def TP_CFG_ASSERT
 * @brief Internal invariant checks (o1heap-style: at every state change of
 * tp_alloc and tp_free, and where a diagnostics module knows an invariant).
 * Default: the C library's assert(), which is compiled out when NDEBUG is
 * defined (CMake's Release and RelWithDebInfo builds define it). Define it as
 * `((void)0)` to turn the checks off in a debug build, or as your own handler
 * (it must not return on failure, and must be usable from an ISR if pools are).
 */
#ifndef TP_CFG_ASSERT
#include <assert.h>
#define TP_CFG_ASSERT(expr) assert(expr)
#endif

/**
 * @def TP_CFG_CHECK_INIT
 * @brief 1: tp_alloc, tp_alloc_critical and tp_free check the pool's magic
 * word on entry, so a tp_pool_t that was never initialised (stack garbage,
 * heap memory) gets NULL / TP_ERR_INVALID_ARG instead of undefined behaviour
 * (every other function checks it in every build). Costs two instructions
 * per call. Default: 1 when NDEBUG is not defined (debug builds), else 0.
 * Values: 0 or 1. See "Uninitialised pools" in tierpool.h.
 */
#ifndef TP_CFG_CHECK_INIT
#if defined(NDEBUG)
#define TP_CFG_CHECK_INIT 0
#else
#define TP_CFG_CHECK_INIT 1
#endif
#endif

/**
 * @def TP_CFG_TRACKING
 * @brief 1: compile the allocation-tracking layer (tp_track.h: owner, tag,
 * epoch, canaries, poisoning). 0 (default): TP_ALLOC/TP_FREE are plain
 * tp_alloc/tp_free and tracking costs nothing. Values: 0 or 1.
 */
#ifndef TP_CFG_TRACKING
#define TP_CFG_TRACKING 0
#endif

/**
 * @def TP_CFG_TRACK_MAX
 * @brief Trackers that can be attached at once (default 4, >= 1).
 */
#ifndef TP_CFG_TRACK_MAX
#define TP_CFG_TRACK_MAX 4
#endif

/* ======================================================================
 * Diagnostics: crash record, stack guard, health monitor
 * ====================================================================== */

/**
 * @def TP_CFG_CRASH_OPS
 * @brief Last allocator operations kept in the crash record (default 16, 1..256).
 */
#ifndef TP_CFG_CRASH_OPS
#define TP_CFG_CRASH_OPS 16
#endif

/**
 * @def TP_CFG_CRASH_POOLS
 * @brief Pools whose occupancy the crash record snapshots (default 2, 1..16).
 */
#ifndef TP_CFG_CRASH_POOLS
#define TP_CFG_CRASH_POOLS 2
#endif

/**
 * @def TP_CFG_CRASH_TIERS
 * @brief Tiers per pool the crash record snapshots (default 4, 1..32; a pool's
 * tiers beyond this are left out of the record).
 */
#ifndef TP_CFG_CRASH_TIERS
#define TP_CFG_CRASH_TIERS 4
#endif

/**
 * @def TP_CFG_TASK_NAME_LEN
 * @brief Bytes kept of a task name, including the terminating NUL (default
 * 24, 2..64). FreeRTOS's configMAX_TASK_NAME_LEN is 16 on ESP-IDF.
 */
#ifndef TP_CFG_TASK_NAME_LEN
#define TP_CFG_TASK_NAME_LEN 24
#endif

/**
 * @def TP_CFG_PERSIST_BYTES
 * @brief Size of the persistent region the ports reserve for the crash record
 * and the stack guard's table (RTC_NOINIT on ESP-IDF, .noinit on bare metal,
 * a file on the host; default 1024, 256..4096, a multiple of 4). Both must
 * fit: tp_crash.c stops the build when the crash and stack options make them
 * larger. ESP-IDF: menuconfig TP_PERSIST_BYTES.
 */
#ifndef TP_CFG_PERSIST_BYTES
#define TP_CFG_PERSIST_BYTES 1024
#endif

/**
 * @def TP_CFG_CRASH_RECORD
 * @brief ESP-IDF port: 1 defines vApplicationStackOverflowHook and
 * __wrap_esp_panic_handler, which write the crash record (the component adds
 * the link options they need; --wrap does not survive LTO). Default 1, but 0
 * under Arduino (arduino-esp32 wraps the panic handler itself and its builder
 * cannot add link options). Values: 0 or 1. Other ports ignore it.
 */
#ifndef TP_CFG_CRASH_RECORD
#if defined(ARDUINO)
#define TP_CFG_CRASH_RECORD 0
#else
#define TP_CFG_CRASH_RECORD 1
#endif
#endif

/**
 * @def TP_CFG_STACK_TASKS
 * @brief Tasks the stack guard can watch (default 8, >= 1).
 */
#ifndef TP_CFG_STACK_TASKS
#define TP_CFG_STACK_TASKS 8
#endif

/**
 * @def TP_CFG_STACK_PERSIST
 * @brief Enlarged stack sizes the persistent table keeps (default 4, >= 1).
 */
#ifndef TP_CFG_STACK_PERSIST
#define TP_CFG_STACK_PERSIST 4
#endif

/**
 * @def TP_CFG_STACK_WARN_PCT
 * @brief Default stack policy: warn when a task uses more than this % of its
 * stack (default 75, the seed's target; 1..100).
 */
#ifndef TP_CFG_STACK_WARN_PCT
#define TP_CFG_STACK_WARN_PCT 75
#endif

/**
 * @def TP_CFG_STACK_GROW_PCT
 * @brief Default stack policy: after an overflow the task's stack grows by
 * this % (default 25, 1..400).
 */
#ifndef TP_CFG_STACK_GROW_PCT
#define TP_CFG_STACK_GROW_PCT 25
#endif

/**
 * @def TP_CFG_STACK_CAP_BYTES
 * @brief Default stack policy: a grown stack never exceeds this (default
 * 32768, >= 256).
 */
#ifndef TP_CFG_STACK_CAP_BYTES
#define TP_CFG_STACK_CAP_BYTES 32768
#endif

/**
 * @def TP_CFG_HEALTH_POOLS
 * @brief Pools one health monitor can watch (default 4, >= 1).
 */
#ifndef TP_CFG_HEALTH_POOLS
#define TP_CFG_HEALTH_POOLS 4
#endif

/*
 * The health monitor's default thresholds (tp_health_default_config). The
 * names match the ESP-IDF menuconfig options (CONFIG_TP_HEALTH_*).
 */

/** @def TP_CFG_HEALTH_FRAG_WARN_PCT
 *  @brief Fragmentation warning at this % (default 70, 1..100). */
#ifndef TP_CFG_HEALTH_FRAG_WARN_PCT
#define TP_CFG_HEALTH_FRAG_WARN_PCT 70
#endif
/** @def TP_CFG_HEALTH_FRAG_CRIT_PCT
 *  @brief Fragmentation critical at this % (default 85, FRAG_WARN_PCT..100). */
#ifndef TP_CFG_HEALTH_FRAG_CRIT_PCT
#define TP_CFG_HEALTH_FRAG_CRIT_PCT 85
#endif
/**
 * @def TP_CFG_HEALTH_FRAG_RELATIVE
 * @brief 1: the fragmentation thresholds apply to the excess over the
 * baseline measured at boot. Default 1 on ESP-IDF and Arduino-ESP32
 * (ESP_PLATFORM: an ESP32's internal RAM is several regions, so fragmentation
 * is never 0 %, even at boot), 0 elsewhere. Values: 0 or 1.
 */
#ifndef TP_CFG_HEALTH_FRAG_RELATIVE
#if defined(ESP_PLATFORM)
#define TP_CFG_HEALTH_FRAG_RELATIVE 1
#else
#define TP_CFG_HEALTH_FRAG_RELATIVE 0
#endif
#endif
/** @def TP_CFG_HEALTH_FREE_WARN_KB
 *  @brief Free-heap warning below this many KiB (default 50). */
#ifndef TP_CFG_HEALTH_FREE_WARN_KB
#define TP_CFG_HEALTH_FREE_WARN_KB 50
#endif
/** @def TP_CFG_HEALTH_FREE_CRIT_KB
 *  @brief Free-heap critical below this many KiB (default 20, <= FREE_WARN_KB). */
#ifndef TP_CFG_HEALTH_FREE_CRIT_KB
#define TP_CFG_HEALTH_FREE_CRIT_KB 20
#endif
/** @def TP_CFG_HEALTH_BLOCK_TARGET_KB
 *  @brief Largest-free-block warning below this many KiB (default 16: the seed's
 *  target of a largest block above 16 KB). */
#ifndef TP_CFG_HEALTH_BLOCK_TARGET_KB
#define TP_CFG_HEALTH_BLOCK_TARGET_KB 16
#endif
/** @def TP_CFG_HEALTH_BLOCK_CRIT_KB
 *  @brief Largest-free-block critical below this many KiB (default 4, <= BLOCK_TARGET_KB). */
#ifndef TP_CFG_HEALTH_BLOCK_CRIT_KB
#define TP_CFG_HEALTH_BLOCK_CRIT_KB 4
#endif
/** @def TP_CFG_HEALTH_POOL_WARN_PCT
 *  @brief Pool utilisation warning at this % (default 80, 1..100). */
#ifndef TP_CFG_HEALTH_POOL_WARN_PCT
#define TP_CFG_HEALTH_POOL_WARN_PCT 80
#endif
/** @def TP_CFG_HEALTH_POOL_CRIT_PCT
 *  @brief Pool utilisation critical at this % (default 95, POOL_WARN_PCT..100). */
#ifndef TP_CFG_HEALTH_POOL_CRIT_PCT
#define TP_CFG_HEALTH_POOL_CRIT_PCT 95
#endif
/** @def TP_CFG_HEALTH_HYST_PCT
 *  @brief Hysteresis of the % metrics, in points (default 5, 0..100). */
#ifndef TP_CFG_HEALTH_HYST_PCT
#define TP_CFG_HEALTH_HYST_PCT 5
#endif
/** @def TP_CFG_HEALTH_HYST_KB
 *  @brief Hysteresis of the byte metrics, in KiB (default 4). */
#ifndef TP_CFG_HEALTH_HYST_KB
#define TP_CFG_HEALTH_HYST_KB 4
#endif
/** @def TP_CFG_HEALTH_LARGEST_INTERVAL_MS
 *  @brief Least time between two largest-free-block queries, which walk the
 *  heap (default 1000 ms, >= 1). */
#ifndef TP_CFG_HEALTH_LARGEST_INTERVAL_MS
#define TP_CFG_HEALTH_LARGEST_INTERVAL_MS 1000
#endif

/* ======================================================================
 * Application pieces: item store, DMA buffer sets
 * (tp_store.h, tp_dma.h; tp_frame.h and tp_ledbuf.h have no options)
 * ====================================================================== */

/**
 * @def TP_CFG_STORE_KEY_LEN
 * @brief Bytes of an item key in a tp_store_t, the terminating NUL included,
 * so keys of up to TP_CFG_STORE_KEY_LEN - 1 characters (default 32, 2..256).
 * Every slot of every store costs that many bytes.
 */
#ifndef TP_CFG_STORE_KEY_LEN
#define TP_CFG_STORE_KEY_LEN 32
#endif

/**
 * @def TP_CFG_STORE_MAX_SLOTS
 * @brief Slots inside every tp_store_t (default 16, 2..255): its capacity
 * (items kept) plus the pins it allows (an item removed while pinned waits in
 * a slot for its last pin). A slot costs TP_CFG_STORE_KEY_LEN + 17 bytes on a
 * 32-bit target.
 */
#ifndef TP_CFG_STORE_MAX_SLOTS
#define TP_CFG_STORE_MAX_SLOTS 16
#endif

/**
 * @def TP_CFG_DMA_MAX_BUFFERS
 * @brief Buffers (or TX/RX pairs) one tp_dma_set_t can manage (default 8,
 * 1..32: its free set is one 32-bit word).
 */
#ifndef TP_CFG_DMA_MAX_BUFFERS
#define TP_CFG_DMA_MAX_BUFFERS 8
#endif

/**
 * @def TP_CFG_DMA_ALIGN
 * @brief Alignment of every DMA buffer, and the multiple its size is rounded
 * up to (default 4, a power of two within 1..64). ESP32-S3 GDMA on internal
 * RAM needs 4; buffers in PSRAM or behind a data cache need the cache line
 * (32 or 64), so that a write-back or invalidate of one buffer never touches
 * its neighbour.
 */
#ifndef TP_CFG_DMA_ALIGN
#define TP_CFG_DMA_ALIGN 4
#endif

/* ======================================================================
 * Port
 * ====================================================================== */

/**
 * @def TP_PORT_LOCK_WORDS
 * @brief Size of tp_lock_t in uintptr_t words (default 2: an ESP-IDF portMUX
 * is two 32-bit words; the host spinlock is one atomic word; Cortex-M needs
 * none but keeps one). A port with a bigger lock sets it in its
 * tp_port_config.h and checks with a static assertion that its lock fits.
 */
#ifndef TP_PORT_LOCK_WORDS
#define TP_PORT_LOCK_WORDS 2
#endif

/* ======================================================================
 * Not options
 * ====================================================================== */

/**
 * @def TP_ALIGNAS
 * @brief Not an option: the alignment specifier the storage macros use, in
 * C11 (_Alignas) and in C++ (alignas), since Arduino sketches and many
 * ESP-IDF applications are C++.
 */
#ifdef __cplusplus
#define TP_ALIGNAS(a) alignas(a)
#else
#define TP_ALIGNAS(a) _Alignas(a)
#endif

/* ======================================================================
 * Checks (as lwIP's init.c): a value outside its range stops the build.
 * ====================================================================== */

#if TP_CFG_THREAD_SAFE != 0 && TP_CFG_THREAD_SAFE != 1
#error "TP_CFG_THREAD_SAFE must be 0 or 1"
#endif
#if TP_CFG_MAX_TIERS < 1 || TP_CFG_MAX_TIERS > 32
#error "TP_CFG_MAX_TIERS must be within 1..32"
#endif
#if TP_CFG_STORAGE_ALIGN < 4 || TP_CFG_STORAGE_ALIGN > 4096 || (TP_CFG_STORAGE_ALIGN & (TP_CFG_STORAGE_ALIGN - 1)) != 0
#error "TP_CFG_STORAGE_ALIGN must be a power of two within 4..4096"
#endif
#if TP_CFG_CHECK_INIT != 0 && TP_CFG_CHECK_INIT != 1
#error "TP_CFG_CHECK_INIT must be 0 or 1"
#endif
#if TP_CFG_TRACKING != 0 && TP_CFG_TRACKING != 1
#error "TP_CFG_TRACKING must be 0 or 1"
#endif
#if TP_CFG_TRACK_MAX < 1
#error "TP_CFG_TRACK_MAX must be at least 1"
#endif
#if TP_CFG_CRASH_OPS < 1 || TP_CFG_CRASH_OPS > 256
#error "TP_CFG_CRASH_OPS must be within 1..256"
#endif
#if TP_CFG_CRASH_POOLS < 1 || TP_CFG_CRASH_POOLS > 16
#error "TP_CFG_CRASH_POOLS must be within 1..16"
#endif
#if TP_CFG_CRASH_TIERS < 1 || TP_CFG_CRASH_TIERS > 32
#error "TP_CFG_CRASH_TIERS must be within 1..32"
#endif
#if TP_CFG_TASK_NAME_LEN < 2 || TP_CFG_TASK_NAME_LEN > 64
#error "TP_CFG_TASK_NAME_LEN must be within 2..64"
#endif
#if TP_CFG_PERSIST_BYTES < 256 || TP_CFG_PERSIST_BYTES > 4096 || (TP_CFG_PERSIST_BYTES % 4) != 0
#error "TP_CFG_PERSIST_BYTES must be a multiple of 4 within 256..4096"
#endif
#if TP_CFG_CRASH_RECORD != 0 && TP_CFG_CRASH_RECORD != 1
#error "TP_CFG_CRASH_RECORD must be 0 or 1"
#endif
#if TP_CFG_STACK_TASKS < 1
#error "TP_CFG_STACK_TASKS must be at least 1"
#endif
#if TP_CFG_STACK_PERSIST < 1
#error "TP_CFG_STACK_PERSIST must be at least 1"
#endif
#if TP_CFG_STACK_WARN_PCT < 1 || TP_CFG_STACK_WARN_PCT > 100
#error "TP_CFG_STACK_WARN_PCT must be within 1..100"
#endif
#if TP_CFG_STACK_GROW_PCT < 1 || TP_CFG_STACK_GROW_PCT > 400
#error "TP_CFG_STACK_GROW_PCT must be within 1..400"
#endif
#if TP_CFG_STACK_CAP_BYTES < 256
#error "TP_CFG_STACK_CAP_BYTES must be at least 256"
#endif
#if TP_CFG_HEALTH_POOLS < 1
#error "TP_CFG_HEALTH_POOLS must be at least 1"
#endif
#if TP_CFG_HEALTH_FRAG_WARN_PCT < 1 || TP_CFG_HEALTH_FRAG_CRIT_PCT > 100 || \
    TP_CFG_HEALTH_FRAG_WARN_PCT > TP_CFG_HEALTH_FRAG_CRIT_PCT
#error "need 1 <= TP_CFG_HEALTH_FRAG_WARN_PCT <= TP_CFG_HEALTH_FRAG_CRIT_PCT <= 100"
#endif
#if TP_CFG_HEALTH_FRAG_RELATIVE != 0 && TP_CFG_HEALTH_FRAG_RELATIVE != 1
#error "TP_CFG_HEALTH_FRAG_RELATIVE must be 0 or 1"
#endif
#if TP_CFG_HEALTH_FREE_CRIT_KB < 0 || TP_CFG_HEALTH_FREE_CRIT_KB > TP_CFG_HEALTH_FREE_WARN_KB || \
    TP_CFG_HEALTH_FREE_WARN_KB > 4194303
#error "need 0 <= TP_CFG_HEALTH_FREE_CRIT_KB <= TP_CFG_HEALTH_FREE_WARN_KB < 4 GiB"
#endif
#if TP_CFG_HEALTH_BLOCK_CRIT_KB < 0 || TP_CFG_HEALTH_BLOCK_CRIT_KB > TP_CFG_HEALTH_BLOCK_TARGET_KB || \
    TP_CFG_HEALTH_BLOCK_TARGET_KB > 4194303
#error "need 0 <= TP_CFG_HEALTH_BLOCK_CRIT_KB <= TP_CFG_HEALTH_BLOCK_TARGET_KB < 4 GiB"
#endif
#if TP_CFG_HEALTH_POOL_WARN_PCT < 1 || TP_CFG_HEALTH_POOL_CRIT_PCT > 100 || \
    TP_CFG_HEALTH_POOL_WARN_PCT > TP_CFG_HEALTH_POOL_CRIT_PCT
#error "need 1 <= TP_CFG_HEALTH_POOL_WARN_PCT <= TP_CFG_HEALTH_POOL_CRIT_PCT <= 100"
#endif
#if TP_CFG_HEALTH_HYST_PCT < 0 || TP_CFG_HEALTH_HYST_PCT > 100
#error "TP_CFG_HEALTH_HYST_PCT must be within 0..100"
#endif
#if TP_CFG_HEALTH_HYST_KB < 0 || TP_CFG_HEALTH_HYST_KB > 4194303
#error "TP_CFG_HEALTH_HYST_KB must be within 0..4194303"
#endif
#if TP_CFG_HEALTH_LARGEST_INTERVAL_MS < 1 || TP_CFG_HEALTH_LARGEST_INTERVAL_MS > 4294967
#error "TP_CFG_HEALTH_LARGEST_INTERVAL_MS must be within 1..4294967 (the interval is kept in us, 32 bits)"
#endif
#if TP_CFG_STORE_KEY_LEN < 2 || TP_CFG_STORE_KEY_LEN > 256
#error "TP_CFG_STORE_KEY_LEN must be within 2..256"
#endif
#if TP_CFG_STORE_MAX_SLOTS < 2 || TP_CFG_STORE_MAX_SLOTS > 255
#error "TP_CFG_STORE_MAX_SLOTS must be within 2..255"
#endif
#if TP_CFG_DMA_MAX_BUFFERS < 1 || TP_CFG_DMA_MAX_BUFFERS > 32
#error "TP_CFG_DMA_MAX_BUFFERS must be within 1..32"
#endif
#if TP_CFG_DMA_ALIGN < 1 || TP_CFG_DMA_ALIGN > 64 || (TP_CFG_DMA_ALIGN & (TP_CFG_DMA_ALIGN - 1)) != 0
#error "TP_CFG_DMA_ALIGN must be a power of two within 1..64"
#endif
#if TP_PORT_LOCK_WORDS < 1
#error "TP_PORT_LOCK_WORDS must be at least 1"
#endif

#endif /* TP_CONFIG_H */
