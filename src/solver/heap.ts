/**
 * A binary min-heap with CPython `heapq`'s exact sift algorithms, so that among nodes with
 * equal keys the pop order is Python's. The reference pushes `(heuristic, node)` tuples
 * whose nodes compare by heuristic only: equal keys are never "less", which is `a < b` on
 * the keys here.
 */
export class PyHeap<T extends { readonly h: number }> {
  private readonly items: T[] = [];

  get size(): number {
    return this.items.length;
  }

  /** heap[0]: the item the next pop returns. */
  peek(): T | undefined {
    return this.items[0];
  }

  push(item: T): void {
    this.items.push(item);
    this.siftDown(0, this.items.length - 1);
  }

  pop(): T | undefined {
    const heap = this.items;
    const last = heap.pop();
    if (last === undefined || heap.length === 0) return last;
    const top = heap[0]!;
    heap[0] = last;
    this.siftUp(0);
    return top;
  }

  /** A beam round's batch: up to `beam` items popped one by one, best first (as the reference's loop). */
  popBatch(beam: number): T[] {
    const batch: T[] = [];
    for (let k = Math.min(beam, this.items.length); k > 0; k--) batch.push(this.pop()!);
    return batch;
  }

  /** heapq._siftdown: move the item at pos up towards startpos while it is smaller. */
  private siftDown(startpos: number, pos: number): void {
    const heap = this.items;
    const item = heap[pos]!;
    while (pos > startpos) {
      const parentpos = (pos - 1) >> 1;
      const parent = heap[parentpos]!;
      if (item.h < parent.h) {
        heap[pos] = parent;
        pos = parentpos;
        continue;
      }
      break;
    }
    heap[pos] = item;
  }

  /** heapq._siftup: bubble the smaller child up to a leaf, then sift the item back down. */
  private siftUp(pos: number): void {
    const heap = this.items;
    const endpos = heap.length;
    const startpos = pos;
    const item = heap[pos]!;
    let childpos = 2 * pos + 1;
    while (childpos < endpos) {
      const rightpos = childpos + 1;
      if (rightpos < endpos && !(heap[childpos]!.h < heap[rightpos]!.h)) childpos = rightpos;
      heap[pos] = heap[childpos]!;
      pos = childpos;
      childpos = 2 * pos + 1;
    }
    heap[pos] = item;
    this.siftDown(startpos, pos);
  }
}
