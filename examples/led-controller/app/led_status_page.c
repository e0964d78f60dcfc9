/*
 * led_status_page.c - GET /: a self-contained status page (no external
 * resource: the device has no internet, and the CI browser may reach only
 * loopback). Its script polls /health once a second and shows pool use per
 * tier, the largest free block of the pool and of the heap, and the
 * application's counters. Every figure sits in an element with a stable id
 * (tests/led/check_status_page.py compares them with /health).
 */
#include <string.h>

#include "led_app.h"

static const char page[] =
    "<!DOCTYPE html>\n"
    "<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
    "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">\n"
    "<title>LED controller - memory</title>\n"
    "<style>\n"
    "body{font:14px/1.4 system-ui,sans-serif;margin:16px;color:#222;background:#fafafa}\n"
    "h1{font-size:18px;margin:0 0 8px}h2{font-size:15px;margin:16px 0 6px}\n"
    "table{border-collapse:collapse;background:#fff}td,th{border:1px solid #ccc;padding:3px 8px;"
    "text-align:right}th{background:#eee}td.l,th.l{text-align:left}\n"
    ".bar{display:inline-block;height:10px;background:#4a8;vertical-align:middle}\n"
    ".ok{color:#080}.warning{color:#b60}.critical{color:#c00;font-weight:bold}\n"
    "#err{color:#c00}\n"
    "</style></head><body>\n"
    "<h1>LED controller: memory <span id=\"state\" class=\"ok\">-</span></h1>\n"
    "<div id=\"err\"></div>\n"
    "<p>Largest free block: pool <b id=\"largest_allocatable\">-</b> B, heap "
    "<b id=\"heap_max_block\">-</b> B (heap free <span id=\"heap_free\">-</span> B, "
    "fragmentation <span id=\"heap_fragmentation\">-</span> %). Pool blocks in use "
    "<b id=\"pool_blocks_in_use\">-</b>, failed allocations <b id=\"pool_failed\">-</b>. "
    "Patterns in memory <span id=\"patterns\">-</span>, connections "
    "<span id=\"connections_open\">-</span>.</p>\n"
    "<h2>Pool tiers</h2>\n"
    "<table><thead><tr><th>block size</th><th>blocks</th><th>in use</th><th>peak</th>"
    "<th>failed</th><th class=\"l\">use</th></tr></thead><tbody id=\"tiers\"></tbody></table>\n"
    "<h2>Counters</h2>\n"
    "<table><tbody id=\"counters\"></tbody></table>\n"
    "<p><small>Polled from <a href=\"/health\">/health</a> every second; "
    "update <span id=\"polls\">0</span>.</small></p>\n"
    "<details><summary>The last report</summary><pre id=\"raw\"></pre></details>\n"
    "<script>\n"
    "'use strict';\n"
    "let updates = 0;\n"
    "function cell(tr, text, cls) { const td = document.createElement('td');"
    " td.textContent = text; if (cls) td.className = cls; tr.appendChild(td); return td; }\n"
    "function show(h) {\n"
    "  const a = h.app;\n"
    "  const st = document.getElementById('state'); st.textContent = h.state; st.className = h.state;\n"
    "  for (const k of ['largest_allocatable', 'pool_blocks_in_use', 'pool_failed', 'patterns',"
    " 'connections_open'])\n"
    "    document.getElementById(k).textContent = a[k];\n"
    "  for (const k of ['heap_max_block', 'heap_free', 'heap_fragmentation'])\n"
    "    document.getElementById(k).textContent = h[k];\n"
    "  const tb = document.getElementById('tiers'); tb.textContent = '';\n"
    "  a.tiers.forEach((t, i) => {\n"
    "    const tr = document.createElement('tr'); tr.id = 'tier' + i;\n"
    "    cell(tr, t.block_size).dataset.k = 'block_size';\n"
    "    cell(tr, t.block_count).dataset.k = 'block_count';\n"
    "    cell(tr, t.in_use).dataset.k = 'in_use';\n"
    "    cell(tr, t.peak).dataset.k = 'peak';\n"
    "    cell(tr, t.failed).dataset.k = 'failed';\n"
    "    const bar = document.createElement('span'); bar.className = 'bar';\n"
    "    bar.style.width = Math.round(200 * t.in_use / t.block_count) + 'px';\n"
    "    cell(tr, '', 'l').appendChild(bar);\n"
    "    tb.appendChild(tr);\n"
    "  });\n"
    "  const cb = document.getElementById('counters'); cb.textContent = '';\n"
    "  for (const [k, v] of Object.entries(a.counters)) {\n"
    "    const tr = document.createElement('tr');\n"
    "    cell(tr, k, 'l'); const td = cell(tr, v); td.id = 'c_' + k; cb.appendChild(tr);\n"
    "  }\n"
    "  updates++; document.getElementById('polls').textContent = updates;\n"
    "  document.body.dataset.updates = updates;\n"
    "}\n"
    "async function poll() {\n"
    "  try {\n"
    "    const r = await fetch('/health', {cache: 'no-store'});\n"
    "    const text = await r.text();\n"
    "    show(JSON.parse(text)); document.getElementById('raw').textContent = text;\n"
    "    document.getElementById('err').textContent = '';\n"
    "  } catch (e) { document.getElementById('err').textContent = 'no answer: ' + e; }\n"
    "  setTimeout(poll, 1000);\n"
    "}\n"
    "poll();\n"
    "</script></body></html>\n";

const char *led_app_status_page(size_t *len)
{
    if (len != NULL) {
        *len = sizeof page - 1u;
    }
    return page;
}
