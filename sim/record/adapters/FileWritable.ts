import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import type { IWritable } from '@mcap/core';

/** An @mcap/core IWritable over a node:fs file, written front to back (McapWriter never seeks when not appending). */
export class FileWritable implements IWritable {
  readonly path: string;
  readonly #handle: FileHandle;
  #position = 0n;

  private constructor(path: string, handle: FileHandle) {
    this.path = path;
    this.#handle = handle;
  }

  /** Creates (or truncates) `path`. */
  static async create(path: string): Promise<FileWritable> {
    return new FileWritable(path, await open(path, 'w'));
  }

  async write(buffer: Uint8Array): Promise<void> {
    let offset = 0;
    while (offset < buffer.byteLength) {
      const { bytesWritten } = await this.#handle.write(buffer, offset, buffer.byteLength - offset, null);
      offset += bytesWritten;
    }
    this.#position += BigInt(buffer.byteLength);
  }

  position(): bigint {
    return this.#position;
  }

  async close(): Promise<void> {
    await this.#handle.close();
  }
}
