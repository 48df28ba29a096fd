/**
 * `lumos-state on-call SCHEDULE [--at TIME]`: who the functions would find on call, read as they
 * read it (src/store/state-source.ts, emails as stored) and judged as an `on_call` condition
 * judges it (src/rules/evaluation.ts), with the schedule's source and whether it is stale. Exit 0
 * when someone is on call, 1 when nobody is.
 */
import type { Command } from 'commander';
import { Deadline } from '../../../kernel/deadline';
import { normaliseEmail } from '../../../lumos/email';
import { evaluate, sourceIsStale } from '../../../rules/evaluation';
import type { Facts } from '../../../rules/facts';
import { DynamoStateSource } from '../../../store/state-source';
import { DynamoSyncedStateStore } from '../../../store/synced-state-store';
import type { CommandContext } from '../../shared/command-context';
import { EXIT } from '../../shared/exit-codes';
import { writeReport } from '../../shared/output';
import { plural } from '../../shared/plural';
import { printed, prose } from '../../shared/terminal-text';
import { atOption } from '../at-option';
import { nameArgument } from '../import/name-argument';
import { stateTableError } from '../import/state-write-error';
import { resolveStateTarget, type StateTargetOptions, withStateTargetOptions } from '../state-target';

interface OnCallOptions extends StateTargetOptions {
  at?: string;
  json?: boolean;
}

const BUDGET_MS = 30_000;

export function defineOnCall(program: Command, { io, finish }: CommandContext): void {
  withStateTargetOptions(
    program
      .command('on-call')
      .description('who the functions would find on call for a schedule now (or --at), and whether its source is stale')
      .argument('<schedule>', 'the schedule, as rules name it in on_call')
      .option('--at <time>', 'an ISO-8601 time with a zone (default: now)')
      .option('--json', 'print one JSON document on stdout instead of the summary'),
  ).action(async (scheduleArgument: string, options: OnCallOptions) => {
    const schedule = nameArgument(scheduleArgument, 'SCHEDULE');
    const now = new Date();
    const at = atOption(options.at, now);
    const target = await resolveStateTarget(options);
    try {
      const deadline = new Deadline(BUDGET_MS);
      const state = new DynamoStateSource(target.documents, target.required, 0);
      let people: string[];
      let unfindable: number;
      let facts: Facts;
      try {
        // The people the schedule's keys name; a key the functions would not form (not normalised) is not found by them.
        const keyed = (await new DynamoSyncedStateStore(target.documents, target.required).shiftsOf(schedule, deadline)).map((item) =>
          item.sk.slice(0, item.sk.lastIndexOf('#')),
        );
        people = [...new Set(keyed.filter((email) => normaliseEmail(email) === email))].sort();
        unfindable = keyed.filter((email) => normaliseEmail(email) !== email).length;
        const shifts = await state.shifts(
          people.map((email) => ({ schedule, email })),
          at,
          deadline,
        );
        const scheduleSources = await state.scheduleSources([schedule], deadline);
        facts = {
          request: { appId: '', permissions: [], target: '', requester: null, accessLength: null, customFields: {} },
          now: at,
          shifts,
          scheduleSources,
        };
      } catch (error) {
        throw stateTableError(error, 'reading', target);
      }
      const source = facts.scheduleSources?.[0] ?? null;
      const stale = source !== null && sourceIsStale(source, at);
      const rows = people.flatMap((email) => {
        const covering = facts.shifts.filter(
          (shift) => shift.email === email && Date.parse(shift.starts_at) <= at.getTime() && at.getTime() < Date.parse(shift.ends_at),
        );
        if (covering.length === 0) return [];
        const outcome = evaluate({ type: 'on_call', schedule, who: 'target' }, { ...facts, request: { ...facts.request, target: email } });
        return [
          {
            email,
            on_call: outcome.ok ? true : outcome.unknown ? null : false,
            detail: outcome.detail,
            shifts: covering.map((shift) => ({
              starts_at: shift.starts_at,
              ends_at: shift.ends_at,
              source: shift.source ?? null,
              ...(shift.escalation_level === undefined ? {} : { escalation_level: shift.escalation_level }),
            })),
          },
        ];
      });
      const onCall = rows.filter((row) => row.on_call === true).length;
      finish(
        writeReport(
          io,
          {
            exitCode: onCall > 0 ? EXIT.ok : EXIT.negative,
            json: {
              table: target.required,
              schedule,
              at: at.toISOString(),
              source: source === null ? null : { ...source, stale },
              people: rows,
              unfindable_items: unfindable,
            },
            human: (c) => [
              source === null
                ? printed`${schedule} is synced by no source: only hand-written or imported shifts.`
                : printed`${schedule} is synced by source ${source.source}: last success ${source.last_success ?? 'never'}, stale after ${source.stale_after} min: ${stale ? c.red(printed`stale (its synced shifts do not count)`) : printed`fresh`}.`,
              ...rows.flatMap((row) => [
                printed`${c.bold(printed`${row.email}`)}  ${row.on_call === true ? c.green(printed`on call`) : row.on_call === null ? c.yellow(printed`undecided`) : printed`not on call`}: ${prose(row.detail)}`,
                ...row.shifts.map(
                  (shift) =>
                    printed`  ${shift.starts_at} → ${shift.ends_at}  ${shift.source === null ? printed`hand-written` : printed`synced by ${shift.source}`}${shift.escalation_level === undefined ? '' : printed`, level ${shift.escalation_level}`}`,
                ),
              ]),
              printed`${plural(onCall, 'person', 'people')} on call for ${schedule} at ${at.toISOString()}.`,
              ...(unfindable === 0 ? [] : [c.yellow(printed`${plural(unfindable, 'shift')} with a key the functions cannot find: see \`lumos-state check\`.`)]),
            ],
          },
          options,
        ),
      );
    } finally {
      target.close();
    }
  });
}
