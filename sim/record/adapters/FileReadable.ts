import { open } from 'node:fs/promises';
import type { FileHandle } from 'node:fs/promises';
import type { IReadable } from '@mcap/core';

/** An @mcap/core IReadable over a node:fs file, for McapIndexedReader (reads only the summary and chunks it needs). */
export class FileReadable implements IReadable {
  readonly #handle: FileHandle;

  private constructor(handle: FileHandle) {
    this.#handle = handle;
  }

  static async open(path: string): Promise<FileReadable> {
    return new FileReadable(await open(path, 'r'));
  }

  async size(): Promise<bigint> {
    return BigInt((await this.#handle.stat()).size);
  }

  async read(offset: bigint, size: bigint): Promise<Uint8Array> {
    if (size > BigInt(Number.MAX_SAFE_INTEGER)) throw new RangeError(`FileReadable: read of ${size} bytes is too large`);
    const out = new Uint8Array(Number(size));
    let done = 0;
    while (done < out.byteLength) {
      const { bytesRead } = await this.#handle.read(out, done, out.byteLength - done, Number(offset) + done);
      if (bytesRead === 0) throw new RangeError(`FileReadable: read past end of file at ${Number(offset) + done}`);
      done += bytesRead;
    }
    return out;
  }

  async close(): Promise<void> {
    await this.#handle.close();
  }
}
