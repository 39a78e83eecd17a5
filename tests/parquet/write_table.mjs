// Writes a Parquet file with hyparquet-writer from a JSON description on standard input:
// {"columns": [{"name": ..., "type": "STRING" | "DOUBLE" | "INT64" | "INT32" | ..., "data": [...]}]}
// (INT64 data as numbers). For tests that build platform folders (a Xenium cells.parquet).
// Usage: node write_table.mjs OUT.parquet < table.json
import { readFileSync } from 'node:fs'
import { parquetWriteFile } from 'hyparquet-writer'

const table = JSON.parse(readFileSync(0, 'utf8'))
const columnData = table.columns.map(c => ({
  ...c,
  data: c.type === 'INT64' ? c.data.map(v => (v === null ? null : BigInt(v))) : c.data,
}))
parquetWriteFile({ filename: process.argv[2], columnData, codec: table.codec ?? 'SNAPPY' })
