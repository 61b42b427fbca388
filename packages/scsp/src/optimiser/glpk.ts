// Solving a LinearModel with GLPK (glpk.js: GLPK compiled to WebAssembly, simplex for LPs, branch
// and bound for MILPs). One GLPK instance per process, loaded on first use.
import GLPK from 'glpk.js/node';
import type { LinearModel } from './model.js';

type Glpk = Awaited<ReturnType<typeof GLPK>>;
let instance: Promise<Glpk> | undefined;
const glpk = (): Promise<Glpk> => (instance ??= GLPK());

export type SolveStatus = 'optimal' | 'feasible' | 'infeasible' | 'unbounded' | 'undefined';

export interface Solution {
  status: SolveStatus;
  objective: number;
  values: Record<string, number>;
}

export interface SolveOptions {
  /** MILP time limit, s (the best solution found is returned as 'feasible'); default 10 */
  timeLimitS?: number;
}

export async function solveModel(model: LinearModel, opts: SolveOptions = {}): Promise<Solution> {
  const g = await glpk();
  // an LP: the simplex alone, twice as fast as with GLPK's presolver on these small sparse models
  // (and it tells an infeasible LP apart, which the presolver leaves 'undefined')
  if (!model.integer) return solveWith(g, model, opts, false);
  const first = solveWith(g, model, opts, true);
  return first.status === 'undefined' ? solveWith(g, model, opts, false) : first;
}

function solveWith(g: Glpk, model: LinearModel, opts: SolveOptions, presol: boolean): Solution {
  const bound = (lb: number | undefined, ub: number | undefined): { type: number; lb: number; ub: number } => {
    const hasLb = lb !== undefined && Number.isFinite(lb);
    const hasUb = ub !== undefined && Number.isFinite(ub);
    if (hasLb && hasUb) return lb === ub ? { type: g.GLP_FX, lb: lb!, ub: ub! } : { type: g.GLP_DB, lb: lb!, ub: ub! };
    if (hasLb) return { type: g.GLP_LO, lb: lb!, ub: 0 };
    if (hasUb) return { type: g.GLP_UP, lb: 0, ub: ub! };
    return { type: g.GLP_FR, lb: 0, ub: 0 };
  };
  const result = g.solve(
    {
      name: 'schedule',
      objective: { direction: model.direction === 'min' ? g.GLP_MIN : g.GLP_MAX, name: 'objective', vars: model.vars.map((v) => ({ name: v.name, coef: v.cost })) },
      subjectTo: model.rows.map((r) => ({ name: r.name, vars: r.terms.map(([name, coef]) => ({ name, coef })), bnds: bound(r.lb, r.ub) })),
      bounds: model.vars.filter((v) => !v.binary).map((v) => ({ name: v.name, ...bound(v.lb, v.ub) })),
      binaries: model.vars.filter((v) => v.binary).map((v) => v.name),
    },
    { msglev: g.GLP_MSG_OFF, presol, ...(model.integer ? { tmlim: opts.timeLimitS ?? 10 } : {}) },
  );
  const s = result.result.status;
  const status: SolveStatus = s === g.GLP_OPT ? 'optimal' : s === g.GLP_FEAS ? 'feasible' : s === g.GLP_NOFEAS || s === g.GLP_INFEAS ? 'infeasible' : s === g.GLP_UNBND ? 'unbounded' : 'undefined';
  return { status, objective: result.result.z, values: result.result.vars };
}
