// Prints a Parquet file as JSON through hyparquet (an independent reader), for
// tests/cli/parquet_test.py: {"rows": N, "columns": {"name": [values, null for a null]}}.
// 64-bit integers are printed as decimal strings, so that no digit is lost.
import { parquetMetadataAsync, parquetReadObjects, asyncBufferFromFile } from 'hyparquet'
import { compressors } from 'hyparquet-compressors'

const file = await asyncBufferFromFile(process.argv[2])
const metadata = await parquetMetadataAsync(file)
const rows = await parquetReadObjects({ file, metadata, compressors, utf8: true })
const names = metadata.schema.slice(1).map(e => e.name)
const columns = Object.fromEntries(names.map(n => [n, rows.map(r => {
  const v = r[n]
  if (typeof v === 'bigint') return v.toString()
  if (typeof v === 'boolean') return v ? 1 : 0
  if (typeof v === 'number' && !Number.isFinite(v)) return String(v)
  return v ?? null
})]))
console.log(JSON.stringify({ rows: Number(metadata.num_rows), columns }))
