# poolsim's heap options from the command line: --idf-version, --heap-regions,
# --boot-log, --arena and what each refuses (exit 2 for usage, 1 for an
# unreadable input). Run as: cmake -DPOOLSIM=path -DWORKDIR=dir -DDATA=tests/data -P cli_heap.cmake

include(${CMAKE_CURRENT_LIST_DIR}/expect.cmake)

set(csv --csv ${WORKDIR}/cli-heap.csv)
# most runs need neither the spread nor the network component: they test the heap's setup
set(fast --spread 0 --net 0)
# --idf-version on every command, refused outside the table
expect(0 "--idf-version" run --help)
expect(0 "--idf-version" replay --help)
expect(0 "--idf-version" plan --help)
expect(0 "--idf-version" sweep --help)
expect(2 "is not a release this model knows; expected one of 5.0-5.0.9" run --idf-version 4.4)
expect(2 "is not a release this model knows" run --idf-version 5.3.9)
expect(2 "is not a release this model knows" plan --idf-version five)
expect(0 "heap: ESP-IDF 5.3 (tlsf 8fc595f)" run --hours 1 --quiet ${fast} --idf-version 5.3 ${csv})
expect(0 "heap: ESP-IDF 6.0.2 (tlsf 2867f68)" run --hours 1 --quiet ${fast} ${csv})
# the default heap: the ESP32-S3 boot log's regions, tried in the release's order
expect(0 "malloc() tries 60980 B STACK/DRAM, 296160 B D/IRAM, 32768 B DRAM, 8192 B RTCRAM"
       run --hours 1 --quiet ${fast} ${csv})
expect(0 "malloc() tries 296160 B D/IRAM, 60980 B STACK/DRAM, 32768 B DRAM, 8192 B RTCRAM"
       run --hours 1 --quiet ${fast} --idf-version 5.4.4 ${csv})
expect(0 "malloc() tries 60980 B STACK/DRAM, 32768 B DRAM, 296160 B D/IRAM, 8192 B RTCRAM"
       run --hours 1 --quiet ${fast} --idf-version 5.1 ${csv})
# one region, as before
expect(0 "verdict heap (ESP-IDF 6.0.2, 167936 B in 1 region)" run --hours 1 --quiet ${fast} --arena 167936 ${csv})
# --heap-regions
expect(0 "malloc() tries 6432 B, 161504 B" run --hours 1 --quiet ${fast} --heap-regions 161504,6432 ${csv})
expect(0 "malloc() tries 161504 B, 6432 B" run --hours 1 --quiet ${fast} --heap-regions 0x276E0,6432 --idf-version 5.3 ${csv})
expect(0 "malloc() does not use 92160 B IRAM" run --hours 1 --quiet ${fast} --heap-regions 100000,92160:IRAM ${csv})
expect(2 "--heap-regions: region 0: no length" run --heap-regions x)
expect(2 "--heap-regions: unexpected" run --heap-regions 100000+2000)
expect(2 "--heap-regions: region 1 (4096 B): type 'SPM'" run --heap-regions 8192,4096:SPM)
# ... and says which types there are
expect(2 "region types (D/IRAM, RAM, DRAM, STACK/DRAM, STACK/DIRAM, NON_DMA_DRAM up to 5.1, RTCRAM; IRAM and SPIRAM are left out)" run --heap-regions 296160:DIRAM)
expect(2 "--heap-regions: no region malloc() can use" run --heap-regions 8192:IRAM)
expect(2 "cannot make a heap of a 100 B region" run --heap-regions 100)
expect(2 "cannot make a heap of a 1000 B region" run --arena 1000 --idf-version 5.0)
expect(2 "each give the heap's regions" run --arena 100000 --heap-regions 100000)
expect(2 "each give the heap's regions" replay x.tpev --arena 100000 --boot-log y.txt)
# per-region columns in the CSV
execute_process(COMMAND ${POOLSIM} run --hours 1 --quiet ${fast} --heap-regions 100000,50000 ${csv}
    WORKING_DIRECTORY ${WORKDIR} RESULT_VARIABLE rc)
file(STRINGS ${WORKDIR}/cli-heap.csv lines LIMIT_COUNT 1)
if(NOT rc EQUAL 0 OR NOT lines MATCHES "live_bytes,r0_free,r0_largest,r1_free,r1_largest$")
    message(FATAL_ERROR "CSV header: ${lines}")
endif()
# --boot-log: a real boot log, a heap summary, and inputs that are not one
expect(0 "boot log ${DATA}/esp-idf/boot-esp32s3-v4.4.txt: 3 regions (heap_init lines; 56 lines skipped)"
       run --hours 1 --quiet ${fast} --boot-log ${DATA}/esp-idf/boot-esp32s3-v4.4.txt ${csv})
expect(0 "malloc() tries 60980 B STACK/DRAM, 317424 B D/IRAM, 32768 B DRAM"
       run --hours 1 --quiet ${fast} --boot-log ${DATA}/esp-idf/boot-esp32s3-v4.4.txt ${csv})
expect(0 "malloc() does not use 4175147 B SPIRAM"
       run --hours 1 --quiet ${fast} --boot-log ${DATA}/esp-idf/heap-info-esp32-psram.txt ${csv})
expect(0 "malloc() does not use 93108 B IRAM"
       plan --hours 1 --net 0 --boot-log ${DATA}/esp-idf/boot-esp32-doc.txt)
expect(1 "no-such-boot.txt" run --boot-log ${WORKDIR}/no-such-boot.txt)
expect(1 "no heap region found" run --boot-log ${DATA}/esp-idf/dump-v5.5-doc.txt)
file(WRITE ${WORKDIR}/cli-bad-boot.txt "I (1) heap_init: At 3FC90000 len 00040000 (25 KiB): D/IRAM\n")
expect(1 "cli-bad-boot.txt:1: len 0x40000 is 256 KiB" run --boot-log ${WORKDIR}/cli-bad-boot.txt)
# --spread: on by default for a short run, N perturbed runs, off with 0
expect(0 "spread over 9 runs (this one and 8 with the longest region -512..+512 B, a start-up block of 0..1024 B, seeds 2..9): no failure in any run"
       run --hours 1 --quiet --net 0 ${csv})
expect(0 "spread over 3 runs" run --hours 1 --quiet --net 0 --spread 2 ${csv})
expect(2 "expected an integer in 0..64" run --spread 65)
execute_process(COMMAND ${POOLSIM} run --hours 1 --quiet ${fast} ${csv}
    WORKING_DIRECTORY ${WORKDIR} RESULT_VARIABLE rc OUTPUT_VARIABLE out)
if(NOT rc EQUAL 0 OR out MATCHES "spread")
    message(FATAL_ERROR "--spread 0 still spreads: ${out}")
endif()
# a saturated single region: the range, marked sensitive
expect(0 "SENSITIVE" run --hours 6 --quiet --net 0 --arena 100000 --background 40000 --spread 4 ${csv})
# the network component: on by default, described, kept out of the pool column; off with --net 0
expect(0 "Wi-Fi + TLS client: start-up buffers and stacks 27520 B; per connection 21146 B of TLS record buffers"
       run --hours 1 --quiet --spread 0 ${csv})
expect(0 "stay on the heap" run --hours 1 --quiet --spread 0 ${csv})
execute_process(COMMAND ${POOLSIM} run --hours 1 --quiet --spread 0 --net 0 ${csv}
    WORKING_DIRECTORY ${WORKDIR} RESULT_VARIABLE rc OUTPUT_VARIABLE out)
if(NOT rc EQUAL 0 OR out MATCHES "Wi-Fi" OR out MATCHES "stay on the heap")
    message(FATAL_ERROR "--net 0: ${out}")
endif()
expect(2 "expected an integer in 0..1" run --net 2)
# the sweep's default levels follow the heap
expect(0 "from 0 to 114688 B in steps of 7168 B" sweep --hours 1 --net 0 --arena 167936
       --csv ${WORKDIR}/cli-heap-sweep.csv)
