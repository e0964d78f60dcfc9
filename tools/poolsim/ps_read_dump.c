/*
 * ps_read_dump.c - heap_trace_dump() output, the three generations of
 * components/heap/heap_trace_standalone.c:
 *
 *   up to 5.0:  N allocations trace (M entry buffer)
 *               S bytes (@ 0xADDR) allocated CPU c ccount 0xX caller 0xA:0xB:...   (list may
 *                                                   be empty or end in ':')
 *               freed by 0xA:0xB:...                 (HEAP_TRACE_ALL, the record was freed)
 *               S bytes alive in trace (a/b allocations) | S bytes 'leaked' in trace (n allocations)
 *               total allocations N total frees M
 *               (NB: New entries were traced while dumping, ...) (NB: Buffer has overflowed, ...)
 *   5.1 - 5.4:  ====== Heap Trace: N records (M capacity) ======
 *               %6d bytes (@ 0xADDR, Internal|,    PSRAM|<nothing>) allocated CPU c ccount 0xX caller ...
 *               freed by ...
 *               ====== Heap Trace Summary ====== / Mode: ... / the alive line / records: N (...)
 *               / hashmap: ... / total allocations: N / total frees: M / (NB: ...) / =====...
 *               Error: heap trace linked list is corrupt. expected more records.
 *   5.5+:       as 5.1-5.4, but " caller ..." only when there are callers, and a freed
 *               record without "freed by" ends in " freed".
 * Around it: IDF Monitor's decoded addresses ("0xADDR: func at file:line", or
 * "--- 0xADDR: ..." in esp-idf-monitor 1.x) and anything else a console shows.
 * Records are returned in order with t_ns = their index in the dump (0 starts
 * a dump: a capture may hold several, and the figures are the last one's).
 */
#include "ps_trace_internal.h"

/* Skip leading spaces; 1 when the line then starts with "N bytes (@ ". */
static int record_start(ps_cur_t *k)
{
    ps_skip_spaces(k);
    ps_cur_t t = *k;
    uint64_t n;
    return ps_parse_u64(&t, &n) && ps_eat(&t, " bytes (@ ");
}

int ps__dump_starts(const char *line, size_t len)
{
    ps_cur_t k = { line, line + len };
    uint64_t n;
    if (record_start(&k) || ps_eat(&k, "====== Heap Trace")) {
        return 1;
    }
    return ps_parse_u64(&k, &n) && ps_eat(&k, " allocations trace (");
}

static void flush(ps_reader_t *r)
{
    if (r->dump.pending) {
        r->dump.pending = 0;
        ps__emit(r, &r->dump.pending_ev);
    }
}

static void new_dump(ps_reader_t *r, int generation, uint64_t records, uint64_t capacity)
{
    ps_trace_info_t *in = &r->info;
    flush(r);
    /* the figures are the last dump's */
    in->dump_alive_seen = in->dump_leaks_mode = in->dump_totals_seen = 0;
    in->dump_alive_bytes = in->dump_alive_count = in->dump_alive_of = 0;
    in->dump_total_allocations = in->dump_total_frees = 0;
    in->dump_overflowed = in->dump_duplicates = in->dump_corrupt = 0;
    in->dumps++;
    in->dump_generation = generation;
    in->dump_header_seen = 1;
    in->dump_header_records = records;
    in->dump_capacity = capacity;
    in->trace_lines++;
    r->dump.in_summary = 0;
    r->dump.index = 0;
}

static int record(ps_reader_t *r, ps_cur_t *k)
{
    uint64_t size, addr, cpu, ccount, pc;
    if (!ps_parse_u64(k, &size) || size > UINT32_MAX || !ps_eat(k, " bytes (@ ") || !ps_parse_hex(k, &addr)) {
        return ps__fail(r, "expected 'N bytes (@ 0xADDR' (N at most 4294967295)");
    }
    if (ps_eat(k, ",")) { /* the memory label of 5.1+: ", Internal" or ",    PSRAM" */
        ps_skip_spaces(k);
        while (!ps_cur_end(k) && *k->p != ')') {
            k->p++;
        }
    }
    if (!ps_eat(k, ") allocated CPU ") || !ps_parse_u64(k, &cpu) || !ps_eat(k, " ccount ") ||
        !ps_parse_hex(k, &ccount)) {
        return ps__fail(r, "expected ') allocated CPU N ccount 0xNNNNNNNN'");
    }
    int freed = 0;
    if (ps_eat(k, " caller")) {
        ps_skip_spaces(k);
        while (!ps_cur_end(k) && *k->p == '0' && ps_parse_hex(k, &pc)) {
            if (!ps_eat(k, ":")) {
                break;
            }
        }
    }
    if (ps_eat(k, " freed")) {
        freed = 1;
    }
    ps_skip_spaces(k);
    if (!ps_cur_end(k)) {
        return ps__fail(r, "unexpected characters at the end of the record (expected callers 0xA:0xB:... "
                           "and/or ' freed')");
    }
    flush(r);
    if (r->info.dumps == 0u) {
        r->info.dumps = 1; /* records without a header (a capture that starts mid-dump) */
    }
    ps_event_t ev = { r->dump.index++, addr, (uint32_t)size, PS_EV_ALLOC, (uint8_t)freed, 0 };
    r->dump.pending = 1;
    r->dump.pending_ev = ev;
    r->info.trace_lines--; /* counted as an event, not as a trace line */
    return 0;
}

/* The summary lines of every generation (they may also come without a header). */
static int summary_line(ps_reader_t *r, ps_cur_t *k)
{
    ps_trace_info_t *in = &r->info;
    const char *start = k->p;
    uint64_t a, b, c;
    if (ps_parse_u64(k, &a)) {
        if (ps_eat(k, " bytes alive in trace (") && ps_parse_u64(k, &b) && ps_eat(k, "/") && ps_parse_u64(k, &c) &&
            ps_eat(k, " allocations)")) {
            in->dump_alive_seen = 1;
            in->dump_leaks_mode = 0;
            in->dump_alive_bytes = a;
            in->dump_alive_count = b;
            in->dump_alive_of = c;
            return 1;
        }
        k->p = start;
        (void)ps_parse_u64(k, &a);
        if (ps_eat(k, " bytes 'leaked' in trace (") && ps_parse_u64(k, &b) && ps_eat(k, " allocations)")) {
            in->dump_alive_seen = 1;
            in->dump_leaks_mode = 1;
            in->dump_alive_bytes = a;
            in->dump_alive_count = b;
            in->dump_alive_of = 0;
            return 1;
        }
        k->p = start;
        return 0;
    }
    if (ps_eat(k, "total allocations ") && ps_parse_u64(k, &a) && ps_eat(k, " total frees ") && ps_parse_u64(k, &b)) {
        in->dump_totals_seen = 1;
        in->dump_total_allocations = a;
        in->dump_total_frees = b;
        return 1;
    }
    k->p = start;
    if (ps_eat(k, "total allocations: ") && ps_parse_u64(k, &a)) {
        in->dump_totals_seen = 1;
        in->dump_total_allocations = a;
        return 1;
    }
    if (ps_eat(k, "total frees: ") && ps_parse_u64(k, &a)) {
        in->dump_totals_seen = 1;
        in->dump_total_frees = a;
        return 1;
    }
    if (ps_eat(k, "(NB: New entries were traced while dumping")) {
        in->dump_duplicates = 1;
        return 1;
    }
    if (ps_eat(k, "(NB: Buffer has overflowed") || ps_eat(k, "(NB: Internal Buffer has overflowed")) {
        in->dump_overflowed = 1;
        return 1;
    }
    if (ps_eat(k, "Error: heap trace linked list is corrupt")) {
        in->dump_corrupt = 1;
        return 1;
    }
    if (r->dump.in_summary && (ps_eat(k, "Mode: ") || ps_eat(k, "records: ") || ps_eat(k, "hashmap: "))) {
        return 1;
    }
    return 0;
}

int ps__dump_line(ps_reader_t *r, const char *line, size_t len)
{
    ps_trace_info_t *in = &r->info;
    ps_cur_t k = { line, line + len };
    uint64_t a, b;
    if (len == 0u) {
        return 0;
    }
    in->trace_lines++; /* undone below for what is not part of the dump */
    if (record_start(&k)) {
        return record(r, &k);
    }
    k.p = line;
    if (ps_eat(&k, "====== Heap Trace: ")) {
        if (!ps_parse_u64(&k, &a) || !ps_eat(&k, " records (") || !ps_parse_u64(&k, &b) ||
            !ps_eat(&k, " capacity) ======")) {
            return ps__fail(r, "expected '====== Heap Trace: N records (M capacity) ======'");
        }
        new_dump(r, 2, a, b);
        in->trace_lines--; /* new_dump counted it */
        return 0;
    }
    if (ps_eat(&k, "====== Heap Trace Summary ======")) {
        flush(r);
        r->dump.in_summary = 1;
        return 0;
    }
    if (len >= 10u && strspn(line, "=") == len) {
        flush(r);
        r->dump.in_summary = 0; /* the closing rule */
        return 0;
    }
    if (ps_parse_u64(&k, &a) && ps_eat(&k, " allocations trace (")) {
        if (!ps_parse_u64(&k, &b) || !ps_eat(&k, " entry buffer)")) {
            return ps__fail(r, "expected 'N allocations trace (M entry buffer)'");
        }
        new_dump(r, 1, a, b);
        in->trace_lines--;
        return 0;
    }
    k.p = line;
    if (ps_eat(&k, "freed by ")) {
        if (!r->dump.pending) {
            return ps__fail(r, "'freed by' without a record before it");
        }
        if (!ps_parse_callers(&k)) {
            return ps__fail(r, "expected 'freed by 0xADDR:0xADDR:...'");
        }
        r->dump.pending_ev.freed = 1;
        return 0;
    }
    k.p = line;
    if (summary_line(r, &k)) {
        flush(r);
        return 0;
    }
    in->trace_lines--;
    in->skipped++; /* IDF Monitor's decoded addresses, ESP_LOG lines, anything else */
    return 0;
}

void ps__dump_finish(ps_reader_t *r)
{
    flush(r);
}
