/** The reference's `max_nodes` by start size, the denominator of `rating`. */
export const MAX_NODES: Readonly<Record<number, number>> = { 2: 4, 3: 48, 4: 1152, 5: 46080, 6: 2764800 };

/**
 * Whether a record's rating is clamped at 0: every record in default mode; in reference mode
 * every record but a threads one (APR), as the reference writes them.
 */
export const clampsRating = (threads: boolean, reference: boolean): boolean => !threads || !reference;

/**
 * The reference's rating: 1 - (explored operations + 1) / max_nodes when the search path
 * reaches the goal, else 0. SoS+ and the original SoS clamp it at 0; the reference's APR
 * generator does not (default mode clamps APR's too: clampsRating). Doubles
 * compute it exactly as Python's floats do. Undefined for a start size with no max_nodes.
 */
export function ratingOf(solved: boolean, explores: number, startSize: number, clamp: boolean): number | undefined {
  const maxNodes = MAX_NODES[startSize];
  if (maxNodes === undefined) return undefined;
  if (!solved) return 0;
  const r = 1 - (explores + 1) / maxNodes;
  return clamp ? Math.max(0, r) : r;
}
