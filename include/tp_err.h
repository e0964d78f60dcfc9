/**
 * @file tp_err.h
 * tierpool's error codes, shared by the library and the ports.
 *
 * Its own header, below everything else, so that a port implementing
 * tp_sys.h needs nothing from the library above it (docs/architecture.md).
 * tierpool.h includes it.
 */
#ifndef TP_ERR_H
#define TP_ERR_H

#ifdef __cplusplus
extern "C" {
#endif

/** Error codes. 0 is success; every error is negative. */
typedef enum {
    TP_OK = 0,                /**< success */
    TP_ERR_INVALID_ARG = -1,  /**< NULL where an object is needed, bad config or option */
    TP_ERR_FOREIGN_PTR = -2,  /**< pointer not inside any tier of this pool */
    TP_ERR_BAD_PTR = -3,      /**< pointer inside a block but not at its start */
    TP_ERR_DOUBLE_FREE = -4,  /**< block is already free */
    TP_ERR_NO_MEM = -5,       /**< no block / not enough memory for the request */
    TP_ERR_TRUNCATED = -6,    /**< output did not fit the caller's buffer */
    TP_ERR_NOT_FOUND = -7,    /**< no such record, task or entry */
    TP_ERR_CORRUPT = -8,      /**< a canary, poison pattern, CRC or magic failed */
    TP_ERR_DEFERRED = -9,     /**< condition not met yet; try again later */
    TP_ERR_UNSUPPORTED = -10, /**< the port or build does not provide this */
    TP_ERR_IO = -11           /**< the port failed to read or write persistent data */
} tp_err_t;

/**
 * A short English description of an error code.
 * @param err  any value
 * @return a static string; "unknown error" for values not in tp_err_t. Never NULL.
 * @isr
 */
const char *tp_strerror(tp_err_t err);

#ifdef __cplusplus
}
#endif

#endif /* TP_ERR_H */
