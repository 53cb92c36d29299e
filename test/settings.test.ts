import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { UsageError } from '../src/io/errors.js';
import { conditioningOf, DEFAULT_WINDOW, flagsReadBy, judgedWindow, qualify, qualifyEach, type PartialSettings } from '../src/pipeline/settings.js';
import { PythonRandom } from '../src/random/python.js';
import { qualifySpec } from '../src/pipeline/problems-job.js';
import { checkCounts, optionsJson, runOptionsFault } from '../src/pipeline/corpus/options.js';
import { recordStreams, streamFor } from '../src/random/streams.js';
import { defaultSearchOptions, runSearch, SOLVERS, solverNamed, type SolverName } from '../src/solver/registry.js';

describe('the solver registry', () => {
  it('lists each solver once, under the name it declares', () => {
    expect(new Set(SOLVERS).size).toBe(SOLVERS.length);
    for (const name of SOLVERS) expect(solverNamed(name).name).toBe(name);
  });

  it('default options come from each solver\'s declared defaults; reference mode nests one level, in one spawn', () => {
    for (const name of SOLVERS) {
      const solver = solverNamed(name);
      const d = solver.defaults;
      const o = defaultSearchOptions(name);
      expect(o).toMatchObject({ solver: name, shape: solver.shape, reference: false, heuristic: d.heuristic });
      expect(o.promising).toBe(d.promising);
      expect(o.beam).toEqual(d.maxBeam === undefined ? undefined : { min: 1, max: d.maxBeam });
      if (solver.shape === 'threads') {
        const t = solver.threadDefaults;
        expect(o).toMatchObject({ maxSubBeam: t.maxSubBeam, maxSpawnLevel: t.maxDepth - 1, waveWindows: t.waveWindows });
        expect(defaultSearchOptions(name, true)).toMatchObject({ reference: true, maxSpawnLevel: 0, waveWindows: 0 });
      } else {
        expect(o).toMatchObject({ fit: 'stop' });
      }
    }
  });

  it('options hold what their solver reads and nothing else', () => {
    const keys = (name: SolverName, p: PartialSettings = {}) => Object.keys(qualify(name, p).options).sort();
    const every = ['heuristic', 'reference', 'shape', 'solver'];
    expect(keys('sosp')).toEqual(['beam', 'fit', ...every, 'promising'].sort());
    expect(keys('apr', { promising: 0.5, maxDepth: 2 })).toEqual(['beam', ...every, 'maxSpawnLevel', 'maxSubBeam', 'promising', 'waveWindows'].sort());
    expect(keys('bfs', { reference: true })).toEqual(['beam', 'fit', ...every].sort());
    expect(keys('dfs')).toEqual(['fit', ...every].sort());
    for (const name of SOLVERS) expect(Object.keys(defaultSearchOptions(name)).sort()).toEqual(keys(name));
  });

  it('the record\'s search_type is the solver\'s: its name and beam (dfs has no beam)', () => {
    const problem = { nums: [3, 7, 25, 50], target: 82, solution: [], startSize: 4 };
    for (const name of SOLVERS) {
      const outcome = runSearch(problem, streamFor(1, name, 0), defaultSearchOptions(name));
      expect(outcome.searchType).toBe(name === 'dfs' ? 'dfs' : `${name}_${outcome.beam}`);
      expect(outcome.solver).toBe(name);
    }
  });
});

describe('qualify', () => {
  it('with nothing set gives the solver\'s defaults, the default window and no conditioning', () => {
    for (const name of SOLVERS) {
      expect(qualify(name)).toEqual({ options: defaultSearchOptions(name), window: DEFAULT_WINDOW, condition: 'none', tokenFields: true });
      expect(qualify(name, { reference: true })).toEqual({ options: defaultSearchOptions(name, true), window: 0, condition: 'none', tokenFields: false });
    }
  });

  it('takes what is set: --max-depth sets the deepest spawning level, --wave the waves', () => {
    const s = qualify('apr', { maxDepth: 1, wave: 0, maxBeam: 4, window: 2048, condition: 'sub-call-budget' });
    expect(s.options).toMatchObject({ maxSpawnLevel: 0, waveWindows: 0, beam: { min: 1, max: 4 } });
    expect(s).toMatchObject({ window: 2048, condition: 'sub-call-budget', tokenFields: true });
  });

  it('holds the conditioning table: token-budget for single sequences, sub-call-budget for threads', () => {
    expect(SOLVERS.map(conditioningOf)).toEqual(['token-budget', 'sub-call-budget', 'token-budget', 'token-budget']);
    expect(() => qualify('apr', { condition: 'token-budget' })).toThrow('--condition token-budget is for sosp, dfs and bfs; apr uses sub-call-budget');
    expect(() => qualify('bfs', { condition: 'sub-call-budget' })).toThrow('--condition sub-call-budget is for apr; sosp, dfs and bfs use token-budget');
    expect(() => qualify('apr', { fit: 'drop' })).toThrow('--fit is for sosp, dfs and bfs: apr threads hand work to children instead');
    // Given, even as the default value, a flag the solver does not read is refused.
    expect(() => qualify('apr', { fit: 'stop' })).toThrow('--fit is for sosp, dfs and bfs');
  });

  it('refuses --fit resample where another search would be the same one (no beam drawn, a fixed heuristic)', () => {
    expect(() => qualify('dfs', { fit: 'resample' })).toThrow('--fit resample would make the same search again: dfs draws no beam and its heuristic is sum; use --fit stop or drop, or --heuristic random');
    expect(qualify('dfs', { fit: 'resample', heuristic: 'random' }).options).toMatchObject({ fit: 'resample' });
    expect(() => qualifyEach(['dfs'], ['none'], { fit: 'resample' })).toThrow('--fit resample would make the same search again: dfs');
    expect(() => qualifyEach(['dfs', 'apr'], ['none'], { fit: 'resample', heuristic: 'sum' })).toThrow('--fit resample would make the same search again: dfs');
    expect(qualifyEach(['sosp', 'dfs'], ['none'], { fit: 'resample' }).dfs?.options).toMatchObject({ fit: 'resample' });
  });

  it('refuses what reference mode cannot do, and beams that cannot be drawn', () => {
    expect(() => qualify('apr', { reference: true, maxDepth: 2 })).toThrow(UsageError);
    expect(qualify('apr', { reference: true, maxDepth: 1 }).options).toMatchObject({ maxSpawnLevel: 0 });
    expect(() => qualify('sosp', { reference: true, window: 1024 })).toThrow(/--window cannot be combined with --compat reference/);
    // Options the reference's SoS+ script has no flag for: a "reference" record with them no reference run could make.
    expect(() => qualify('sosp', { reference: true, promising: 0.3 })).toThrow('--promising 0.3 cannot be combined with --compat reference for sosp: the reference\'s sosp script has no such option and fixes it at 0.5');
    expect(() => qualify('sosp', { reference: true, minBeam: 2 })).toThrow(/--min-beam 2 cannot be combined with --compat reference for sosp: .* fixes it at 1$/);
    // The fixed values themselves change nothing and are accepted (the golden tests pass them).
    expect(qualify('sosp', { reference: true, minBeam: 1, promising: 0.5 }).options).toMatchObject({ beam: { min: 1, max: 5 }, promising: 0.5 });
    expect(qualify('apr', { reference: true, minBeam: 2, promising: 0.5 }).options).toMatchObject({ beam: { min: 2, max: 10 }, promising: 0.5 });
    expect(() => qualify('sosp', { minBeam: 6 })).toThrow("--min-beam 6 is larger than sosp's default --max-beam 5; give --max-beam as well");
    expect(() => qualify('bfs', { minBeam: 4, maxBeam: 3 })).toThrow('--min-beam 4 is larger than --max-beam 3');
    expect(() => qualify('apr', { minBeam: 3, maxSubBeam: 2 })).toThrow(/--max-sub-beam 2 is below --min-beam 3/);
    expect(() => qualify('sosp', { window: 10 })).toThrow(/--window 10 is too small/);
    expect(() => qualify('dfs', { promising: 0.3 })).toThrow('--promising is for sosp and apr: dfs does not read it');
    expect(() => qualify('bfs', { wave: 2 })).toThrow('--wave is for apr: bfs does not read it');
    expect(() => qualify('sosp', { maxSubBeam: 7 })).toThrow('--max-sub-beam is for apr: sosp does not read it');
    expect(() => qualify('dfs', { minBeam: 1 })).toThrow('--min-beam is for sosp, apr and bfs: dfs does not read it');
  });

  it('property: settings it returns are consistent; anything else is a UsageError', () => {
    const flags = fc.record(
      {
        reference: fc.boolean(),
        minBeam: fc.integer({ min: 1, max: 12 }),
        maxBeam: fc.integer({ min: 1, max: 12 }),
        maxSubBeam: fc.integer({ min: 1, max: 16 }),
        maxDepth: fc.integer({ min: 0, max: 4 }),
        wave: fc.integer({ min: 0, max: 10 }),
        promising: fc.double({ min: 0, max: 1, noNaN: true }),
        window: fc.integer({ min: 0, max: 5000 }),
        fit: fc.constantFrom('stop', 'resample', 'drop' as const),
        condition: fc.constantFrom('none', 'token-budget', 'sub-call-budget' as const),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.constantFrom(...SOLVERS), flags, (name, p: PartialSettings) => {
        let s;
        try {
          s = qualify(name, p);
        } catch (err) {
          expect(err).toBeInstanceOf(UsageError);
          return;
        }
        // Settings come back only when every flag given is one the solver reads.
        expect(Object.keys(flagsReadBy(name, p))).toEqual(Object.keys(p));
        const o = s.options;
        expect(o.solver).toBe(name);
        if (o.beam) expect(o.beam.min).toBeLessThanOrEqual(o.beam.max);
        expect(o.beam !== undefined).toBe(name !== 'dfs');
        expect(['none', conditioningOf(name)]).toContain(s.condition);
        expect(s.window).toBe(p.reference ? 0 : (p.window ?? DEFAULT_WINDOW));
        expect(s.tokenFields).toBe(!p.reference);
        expect(o.shape).toBe(solverNamed(name).shape);
      }),
      { numRuns: 300 },
    );
  });

  it('judges overflows against the window, or DEFAULT_WINDOW without one', () => {
    expect(judgedWindow(0)).toBe(DEFAULT_WINDOW);
    expect(judgedWindow(1000)).toBe(1000);
  });
});

describe('qualifyEach (a corpus)', () => {
  it('gives each flag to the solvers that read it, and refuses one that none of them reads', () => {
    const all = qualifyEach(['sosp', 'apr', 'dfs'], ['none'], { promising: 0.6, maxDepth: 2, maxSubBeam: 12 });
    expect(all.sosp!.options).toEqual({ ...defaultSearchOptions('sosp'), promising: 0.6 });
    expect(all.apr!.options).toMatchObject({ promising: 0.6, maxSubBeam: 12, maxSpawnLevel: 1 });
    expect(all.dfs!.options).toEqual(defaultSearchOptions('dfs'));
    expect(() => qualifyEach(['sosp', 'dfs'], ['none'], { wave: 2 })).toThrow('--wave is for apr: none of --solvers sosp,dfs reads it');
    expect(() => qualifyEach(['dfs'], ['none'], { maxBeam: 3 })).toThrow('--max-beam is for sosp, apr and bfs: none of --solvers dfs reads it');
  });

  it('gives each solver the listed mode that exists for it, and --fit only where it applies', () => {
    const all = qualifyEach(['sosp', 'apr', 'dfs'], ['none', 'sub-call-budget'], { fit: 'resample', window: 2048 });
    expect(all.sosp).toMatchObject({ condition: 'none', window: 2048, options: { fit: 'resample' } });
    expect(all.apr).toMatchObject({ condition: 'sub-call-budget', options: { shape: 'threads' } });
    expect(all.apr?.options).not.toHaveProperty('fit');
    // In a corpus dfs takes --fit as the others do (a corpus of earlier versions is made again by its card's command).
    expect(all.dfs?.options).toMatchObject({ fit: 'resample' });
  });

  it('refuses a mode or --fit that applies to none of the solvers', () => {
    expect(() => qualifyEach(['apr'], ['token-budget'], {})).toThrow(
      '--condition token-budget applies to none of --solvers apr (token-budget: sosp, dfs, bfs; sub-call-budget: apr)',
    );
    expect(() => qualifyEach(['apr'], ['none'], { fit: 'drop' })).toThrow('--fit is for sosp, dfs and bfs: apr threads hand work to children instead');
  });
});

describe("a corpus manifest's recorded search options (runOptionsFault)", () => {
  const recorded = (p: Parameters<typeof qualifyEach>[2], solvers: SolverName[] = [...SOLVERS]) => {
    const spec = qualifySpec({ minNumbers: 4, maxNumbers: 4, minTarget: 10, maxTarget: 100 });
    const settings = qualifyEach(solvers, ['none'], p);
    return optionsJson({ count: 10, seed: 1, valCount: 0, spec, solvers, settings, window: judgedWindow(p.window ?? DEFAULT_WINDOW), compress: 'none', maxFileSize: 0 });
  };

  it('property: the options a run records are options it reads back', () => {
    const flags = fc.record(
      {
        minBeam: fc.integer({ min: 1, max: 4 }),
        maxBeam: fc.integer({ min: 4, max: 12 }),
        maxSubBeam: fc.integer({ min: 12, max: 16 }),
        maxDepth: fc.integer({ min: 0, max: 8 }),
        wave: fc.integer({ min: 0, max: 1000 }),
        promising: fc.double({ min: 0, max: 1, noNaN: true }),
        window: fc.constantFrom(0, 700, 4096),
        heuristic: fc.constantFrom('mult', 'sum', 'random' as const),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(flags, (p) => {
        let o;
        try {
          o = recorded(p);
        } catch (err) {
          expect(err).toBeInstanceOf(UsageError);
          return;
        }
        expect(runOptionsFault(o)).toBeUndefined();
      }),
      { numRuns: 200 },
    );
  });

  it('names a value no flag takes, a set qualify would not make, or a key no solver records (a checksum reseals any edit)', () => {
    const forged = (edit: (search: Record<string, Record<string, unknown>>) => void): string | undefined => {
      const o = JSON.parse(JSON.stringify(recorded({})));
      edit(o.search);
      return runOptionsFault(o);
    };
    expect(forged(() => {})).toBeUndefined();
    expect(forged((s) => (s.apr!.max_sub_beam = 20.5))).toBe('"options.search.apr.max_sub_beam" 20.5 is not an integer of at least 1');
    expect(forged((s) => (s.apr!.max_spawn_level = 8))).toBe('"options.search.apr.max_spawn_level" 8 (--max-depth 9) is not an integer from 0 to 8');
    expect(forged((s) => (s.sosp!.heuristic = 'best'))).toBe('"options.search.sosp.heuristic" "best" is not one of mult, sum, random');
    expect(forged((s) => (s.sosp!.promising = 1.5))).toBe('"options.search.sosp.promising" 1.5 is not a probability between 0 and 1');
    expect(forged((s) => (s.sosp!.min_beam = 7))).toBe('"options.search.sosp" are not options of one run (--min-beam 7 is larger than --max-beam 5)');
    expect(forged((s) => (s.apr!.fit = 'stop'))).toMatch(/^"options\.search\.apr" are not options of one run \(--fit is for /);
    expect(forged((s) => (s.dfs!.max_beam = 3))).toMatch(/^"options\.search\.dfs" are not options of one run \(--max-beam is for /);
    expect(forged((s) => (s.sosp!.token_fields = false))).toBe('"options.search.sosp.token_fields" false is not what its other options make (true)');
    expect(forged((s) => delete s.apr!.wave_windows)).toBe('"options.search.apr.wave_windows" unset is not what its other options make (8)');
    expect(forged((s) => (s.bfs!.bogus = 1))).toBe('"options.search.bfs.bogus" is not a search option');
    // A key of every object's prototype is no option either (it was read through to Object's).
    for (const key of ['constructor', '__proto__', 'toString']) {
      expect(forged((s) => Object.defineProperty(s.bfs!, key, { value: 1, enumerable: true }))).toBe(`"options.search.bfs.${key}" is not a search option`);
    }
    // Without a window the fit and planning defaults are still listed; another value there is named.
    const bare = JSON.parse(JSON.stringify(recorded({ window: 0 })));
    expect(runOptionsFault(bare)).toBeUndefined();
    bare.search.sosp.fit = 'drop';
    expect(runOptionsFault(bare)).toBe('"options.search.sosp.fit" "drop" is not what its other options make ("stop")');    // One --window sets every solver's; the run's is that window, judged by the default where it is 0.
    expect(runOptionsFault({ ...JSON.parse(JSON.stringify(recorded({ window: 0 }))), window: 2048 })).toBe('"options.search.*.window" 0 are not of one run whose "options.window" is 2048');
    const mixed = JSON.parse(JSON.stringify(recorded({ window: 0 })));
    mixed.search.apr.window = 4096;
    expect(runOptionsFault(mixed)).toMatch(/^"options\.search\.\*\.window" (0, 4096|4096, 0) are not of one run whose "options\.window" is 4096$/);
  });
  it("holds the run-wide options to their flags' rules and checks (RUN_OPTIONS, checkSpec, checkCounts), naming the field", () => {
    const forged = (edit: (o: Record<string, unknown> & { problems: Record<string, unknown> }) => void): string | undefined => {
      const o = JSON.parse(JSON.stringify(recorded({})));
      edit(o);
      return runOptionsFault(o);
    };
    // Each of these was a count (isCount) and read back as one; no flag takes it.
    expect(forged((o) => (o.count = 0))).toBe('"options.count" 0 is not an integer of at least 1');
    expect(forged((o) => (o.problems.min_numbers = 9))).toBe('"options.problems.min_numbers" 9 is not an integer from 2 to 6');
    expect(forged((o) => (o.problems.max_numbers = 1))).toBe('"options.problems.max_numbers" 1 is not an integer from 2 to 6');
    expect(forged((o) => (o.problems.min_target = 1))).toBe('"options.problems.min_target" 1 is not an integer of at least 2');
    expect(forged((o) => (o.problems.max_number = 0))).toBe('"options.problems.max_number" 0 is not an integer of at least 1');
    expect(forged((o) => delete o.seed)).toBe('"options.seed" missing is not an integer of at least 0');
    expect(forged((o) => (o.compress = 'zip'))).toBe('"options.compress" "zip" is not one of none, gzip');
    // Each value a flag takes, together what the flags refuse.
    expect(forged((o) => (o.problems.min_numbers = 5))).toBe('"options.problems" are not options of one run (--min-numbers 5 is larger than --max-numbers 4)');
    expect(forged((o) => (o.problems.min_target = 200))).toBe('"options.problems" are not options of one run (--min-target 200 is larger than --max-target 100)');
    expect(forged((o) => (o.count = 1000, Object.assign(o.problems, { min_numbers: 2, max_numbers: 3, min_target: 2, max_target: 10, max_number: 9 })))).toMatch(
      /^"options" are not options of one run \(--count 1000 is more than the \d+ solvable train problems these options allow/,
    );
  });
});

describe('qualifySpec and checkSpec (the problem space of problems and corpus)', () => {
  const spec = { minNumbers: 4, maxNumbers: 4, minTarget: 10, maxTarget: 100 };
  it('fills in --max-number as --max-target - 1 and checks the ranges in one place', () => {
    expect(qualifySpec(spec)).toEqual({ ...spec, maxNumber: 99 });
    expect(() => qualifySpec({ ...spec, minNumbers: 5 })).toThrow(/--min-numbers .*--max-numbers/);
    expect(() => qualifySpec({ ...spec, maxTarget: 1, minTarget: 1 })).toThrow('--max-number: must be at least 1, got 0');
  });

  it('a corpus run checks its spec itself, as a problems run does: a caller other than the command line cannot pass a space that draws nothing', () => {
    const bad = [
      [{ ...spec, maxNumber: 99, minNumbers: 5 }, /--min-numbers .*--max-numbers/],
      [{ ...spec, maxNumber: 0 }, /--max-number: must be at least 1/],
      [{ ...spec, maxNumber: 2, maxTarget: 5000 }, /--max-target 5000 cannot be reached/],
    ] as const;
    for (const [s, message] of bad) {
      expect(() => checkCounts({ count: 10, valCount: 0, spec: s })).toThrow(UsageError);
      expect(() => checkCounts({ count: 10, valCount: 0, spec: s })).toThrow(message);
    }
    expect(() => checkCounts({ count: 10, valCount: 0, spec: qualifySpec(spec) })).not.toThrow();
  });
});

describe('recordStreams', () => {
  it('default mode: each record its own stream, the same as streamFor', () => {
    const of = recordStreams(4, 'apr', false);
    expect(of(3)).not.toBe(of(3));
    expect([of(3).random(), of(3).random()]).toEqual([streamFor(4, 'apr', 3).random(), streamFor(4, 'apr', 3).random()]);
  });

  it('reference mode: one Python generator shared by the records, in order', () => {
    const of = recordStreams(4, 'sosp', true);
    expect(of(0)).toBe(of(1));
    const py = new PythonRandom(4);
    expect([of(0).random(), of(1).random()]).toEqual([py.random(), py.random()]);
  });
});
