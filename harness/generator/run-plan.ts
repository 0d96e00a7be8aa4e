// A whole run's plan: the workload mix and the fault schedule, drawn together so one seed fixes
// both and shrinking can trade one against the other.
import fc from "fast-check";
import { faultScheduleArbitrary, type ScheduleOptions } from "./fault-schedule.ts";
import type { RunPlan } from "./plan.ts";
import { workloadArbitrary, type WorkloadOptions } from "./workload-mix.ts";

export function runPlanArbitrary(workload: WorkloadOptions, schedule: ScheduleOptions): fc.Arbitrary<RunPlan> {
  return fc.record({ workload: workloadArbitrary(workload), schedule: faultScheduleArbitrary(schedule) });
}
