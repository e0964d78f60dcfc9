/* Options of the fuzz targets (TP_USER_CONFIG, see include/tp_config.h): the
 * library's invariant checks trap, so libFuzzer reports a broken invariant. */
#define TP_CFG_ASSERT(e) ((e) ? (void)0 : __builtin_trap())
