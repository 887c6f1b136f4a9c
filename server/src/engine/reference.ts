// A brute-force statement of findSlots' semantics (search.ts header), for tests and the benchmark to
// compare against: every start, every candidate checked by a linear scan of its free intervals and of
// its rule blocks, every service block checked, and every combination of distinct resources tried.
// Deliberately naive; share no code with search.ts beyond the types, so the two can only agree by
// both being right.
import type { Interval } from './intervals.ts';
import { PREFERRED_RESOURCE_BONUS, type RuleBlock, type SearchInput, type Slot } from './search.ts';

interface Option {
  /** null: an optional requirement left unfilled. */
  resourceIds: string[] | null;
  score: number;
}

function coveredByOneOf(free: readonly Interval[], start: number, end: number): boolean {
  for (const [freeStart, freeEnd] of free) {
    if (freeStart <= start && end <= freeEnd) return true;
  }
  return false;
}

/** Whether some instant lies in both the block and what it applies to: the start alone, or the appointment. */
function blockedBy(blocks: readonly RuleBlock[], start: number, durationMs: number): boolean {
  for (const block of blocks) {
    if (block.applies === 'start') {
      if (block.from <= start && start < block.to) return true;
    } else if (Math.max(block.from, start) < Math.min(block.to, start + durationMs)) {
      return true;
    }
  }
  return false;
}

/** All k-element subsets of items, each in the items' order, subsets in lexicographic order of positions. */
function combinations<T>(items: readonly T[], k: number): T[][] {
  if (k === 0) return [[]];
  const result: T[][] = [];
  for (let i = 0; i <= items.length - k; i++) {
    for (const rest of combinations(items.slice(i + 1), k - 1)) result.push([items[i]!, ...rest]);
  }
  return result;
}

export function findSlotsByBruteForce(input: SearchInput): Slot[] {
  const lowest = Math.max(input.now, input.earliestStart);
  const starts = [...new Set(input.starts)].filter((s) => s >= lowest && s <= input.latestStart).sort((a, b) => a - b);
  const freeOf = new Map<string, Interval[]>();
  for (const [id, resource] of input.resources) freeOf.set(id, resource.free.toArray());

  // Rank order: effective weight descending, then name, then id; a duplicate keeps its best weight.
  const pools = input.requirements.map((requirement) => {
    const best = new Map<string, number>();
    for (const { resourceId, weight } of requirement.candidates) {
      if (!input.resources.has(resourceId)) continue;
      const effective = weight + (input.preferredResourceIds?.has(resourceId) ? PREFERRED_RESOURCE_BONUS : 0);
      best.set(resourceId, Math.max(effective, best.get(resourceId) ?? -Infinity));
    }
    const nameOf = (id: string) => input.resources.get(id)?.name ?? '';
    return [...best].sort(([a, wa], [b, wb]) => {
      if (wa !== wb) return wb - wa;
      if (nameOf(a) !== nameOf(b)) return nameOf(a) < nameOf(b) ? -1 : 1;
      return a < b ? -1 : a > b ? 1 : 0;
    });
  });

  const slots: Slot[] = [];
  for (const start of starts) {
    if (blockedBy(input.serviceBlocks ?? [], start, input.service.durationMs)) continue;
    const optionsPerRequirement = input.requirements.map((requirement, q): Option[] => {
      const able = pools[q]!.filter(([id]) => {
        const resource = input.resources.get(id)!;
        const busyStart = start - input.service.bufferBeforeMs - resource.bufferBeforeMs;
        const busyEnd = start + input.service.durationMs + input.service.bufferAfterMs + resource.bufferAfterMs;
        return coveredByOneOf(freeOf.get(id)!, busyStart, busyEnd) && !blockedBy(resource.blocks ?? [], start, input.service.durationMs);
      });
      const options: Option[] = combinations(able, requirement.quantity).map((combination) => ({
        resourceIds: combination.map(([id]) => id),
        score: combination.reduce((sum, [, weight]) => sum + weight, 0),
      }));
      if (!requirement.required) options.push({ resourceIds: null, score: 0 });
      return options;
    });

    let best: { picks: Option[]; optional: number; score: number } | null = null;
    const picks: Option[] = [];
    // Every combination of options, in order; the first strictly better one is kept.
    const visit = (q: number): void => {
      if (q === optionsPerRequirement.length) {
        const used = picks.flatMap((p) => p.resourceIds ?? []);
        if (new Set(used).size !== used.length) return;
        const optional = picks.filter((p, i) => !input.requirements[i]!.required && p.resourceIds !== null).length;
        const score = picks.reduce((sum, p) => sum + p.score, 0);
        if (!best || optional > best.optional || (optional === best.optional && score > best.score)) {
          best = { picks: [...picks], optional, score };
        }
        return;
      }
      for (const option of optionsPerRequirement[q]!) {
        picks.push(option);
        visit(q + 1);
        picks.pop();
      }
    };
    visit(0);
    const found = best as { picks: Option[]; score: number } | null;
    if (!found) continue;
    slots.push({
      start,
      end: start + input.service.durationMs,
      score: found.score,
      assignments: input.requirements.map((requirement, q) => ({ requirementId: requirement.id, resourceIds: found.picks[q]!.resourceIds ?? [] })),
    });
  }
  return slots;
}
