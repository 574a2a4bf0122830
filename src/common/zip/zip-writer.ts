import { createReadStream } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import { crc32, deflateRawSync } from 'node:zlib';

/** ZIP without ZIP64: one entry, and the whole archive, stay under 4 GiB. */
const MAX_ZIP_BYTES = 0xffff_ffff;
/** 1980-01-01 00:00, the earliest DOS time: every entry has it, so the same files make the same archive. */
const DOS_TIME = 0;
const DOS_DATE = (0 << 9) | (1 << 5) | 1;
/** Bit 11: names are UTF-8. */
const UTF8 = 0x0800;

interface Written {
  name: Buffer;
  method: number;
  crc: number;
  compressedSize: number;
  size: number;
  offset: number;
}

/**
 * Writes a ZIP archive to a file, entry by entry: small texts deflated from memory, large files
 * (Parquet, already compressed) stored and streamed from disk. No dates, so archives of the same
 * files are byte-identical.
 */
export class ZipWriter {
  private position = 0;
  private readonly entries: Written[] = [];

  private constructor(private readonly file: FileHandle) {}

  static async create(path: string): Promise<ZipWriter> {
    return new ZipWriter(await open(path, 'w'));
  }

  private async write(data: Buffer): Promise<void> {
    if (this.position + data.length > MAX_ZIP_BYTES)
      throw new Error('The archive would exceed 4 GiB, the largest ZIP without ZIP64: export without data');
    await this.file.write(data, 0, data.length, this.position);
    this.position += data.length;
  }

  private localHeader(e: Omit<Written, 'offset'>): Buffer {
    const h = Buffer.alloc(30);
    h.writeUInt32LE(0x04034b50, 0);
    h.writeUInt16LE(20, 4);
    h.writeUInt16LE(UTF8, 6);
    h.writeUInt16LE(e.method, 8);
    h.writeUInt16LE(DOS_TIME, 10);
    h.writeUInt16LE(DOS_DATE, 12);
    h.writeUInt32LE(e.crc >>> 0, 14);
    h.writeUInt32LE(e.compressedSize, 18);
    h.writeUInt32LE(e.size, 22);
    h.writeUInt16LE(e.name.length, 26);
    h.writeUInt16LE(0, 28);
    return Buffer.concat([h, e.name]);
  }

  /** Adds a file's bytes from memory, deflated. */
  async addBuffer(name: string, data: Buffer): Promise<void> {
    const compressed = deflateRawSync(data);
    const entry = {
      name: Buffer.from(name),
      method: 8,
      crc: crc32(data),
      compressedSize: compressed.length,
      size: data.length,
    };
    const offset = this.position;
    await this.write(this.localHeader(entry));
    await this.write(compressed);
    this.entries.push({ ...entry, offset });
  }

  /** Adds a file from disk, stored (read twice: once for its checksum, once to copy it). */
  async addFile(name: string, sourcePath: string): Promise<void> {
    let crc = 0;
    let size = 0;
    for await (const chunk of createReadStream(sourcePath)) {
      crc = crc32(chunk as Buffer, crc);
      size += (chunk as Buffer).length;
    }
    const entry = { name: Buffer.from(name), method: 0, crc, compressedSize: size, size };
    const offset = this.position;
    await this.write(this.localHeader(entry));
    for await (const chunk of createReadStream(sourcePath)) await this.write(chunk as Buffer);
    this.entries.push({ ...entry, offset });
  }

  /** Writes the central directory and closes the file. */
  async close(): Promise<void> {
    try {
      const start = this.position;
      for (const e of this.entries) {
        const h = Buffer.alloc(46);
        h.writeUInt32LE(0x02014b50, 0);
        h.writeUInt16LE(20, 4);
        h.writeUInt16LE(20, 6);
        h.writeUInt16LE(UTF8, 8);
        h.writeUInt16LE(e.method, 10);
        h.writeUInt16LE(DOS_TIME, 12);
        h.writeUInt16LE(DOS_DATE, 14);
        h.writeUInt32LE(e.crc >>> 0, 16);
        h.writeUInt32LE(e.compressedSize, 20);
        h.writeUInt32LE(e.size, 24);
        h.writeUInt16LE(e.name.length, 28);
        // Extra, comment, disk, internal attributes: 0. External: a regular file, rw-r--r--.
        h.writeUInt32LE((0o100644 << 16) >>> 0, 38);
        h.writeUInt32LE(e.offset, 42);
        await this.write(Buffer.concat([h, e.name]));
      }
      const end = Buffer.alloc(22);
      end.writeUInt32LE(0x06054b50, 0);
      end.writeUInt16LE(this.entries.length, 8);
      end.writeUInt16LE(this.entries.length, 10);
      end.writeUInt32LE(this.position - start, 12);
      end.writeUInt32LE(start, 16);
      await this.write(end);
    } finally {
      await this.file.close();
    }
  }
}
