// Writes small Parquet files with hyparquet-writer (data pages v2) in each codec the reader
// supports and in PLAIN, dictionary and RLE encodings, with nulls, for tests/cli/parquet_test.py.
// Usage: node write_variants.mjs OUT_DIR [ROWS]
import { gzipSync } from 'node:zlib'
import { parquetWriteFile } from 'hyparquet-writer'

const out = process.argv[2]
const n = Number(process.argv[3] ?? 3000)  // rows; the fuzz seeds use a few
const ids = Array.from({ length: n }, (_, i) => `cell_${(i * 7919) % 100003}`)
const x = Float64Array.from({ length: n }, (_, i) => Math.sin(i) * 1000 + i / 3)
const y = Float32Array.from({ length: n }, (_, i) => Math.cos(i) * 50)
const counts = Array.from({ length: n }, (_, i) => BigInt((i * i) % 977) - 100n)
const small = Int32Array.from({ length: n }, (_, i) => i % 5)
const withNulls = Array.from({ length: n }, (_, i) => (i % 11 === 0 ? null : i * 1.5))
const labels = Array.from({ length: n }, (_, i) => (i % 13 === 0 ? null : ['tumour', 'stroma', 'immune'][i % 3]))
const flags = Array.from({ length: n }, (_, i) => i % 3 === 0)
const columns = [
  { name: 'cell_id', data: ids, type: 'STRING', nullable: false },
  { name: 'x', data: x, type: 'DOUBLE', nullable: false },
  { name: 'y', data: y, type: 'FLOAT' },
  { name: 'counts', data: counts, type: 'INT64', encoding: 'RLE_DICTIONARY' },
  { name: 'small', data: small, type: 'INT32' },
  { name: 'area', data: withNulls, type: 'DOUBLE' },
  { name: 'label', data: labels, type: 'STRING', encoding: 'RLE_DICTIONARY' },
  { name: 'flag', data: flags, type: 'BOOLEAN', encoding: 'RLE' },
  { name: 'flag_plain', data: flags, type: 'BOOLEAN', encoding: 'PLAIN' },
]
const compressors = { GZIP: bytes => gzipSync(bytes) }
for (const codec of ['UNCOMPRESSED', 'SNAPPY', 'GZIP']) {
  // small pages and row groups: several of each per column
  parquetWriteFile({ filename: `${out}/variants_${codec.toLowerCase()}.parquet`, columnData: columns, codec,
                     compressors, rowGroupSize: 1000, pageSize: 4096 })
}
