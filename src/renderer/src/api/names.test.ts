import { expect, it } from 'vitest';
import * as local from './names';
import { EVENT_NAMES } from '../../../shared/contract';
import { JOB_STATUSES, SORT_KEYS } from '../../../shared/domain';
import { STAGE_NAMES } from '../../../shared/songmap';

it('restates the shared name lists exactly, in the same order', () => {
  expect(local.EVENT_NAMES).toEqual(EVENT_NAMES);
  expect(local.JOB_STATUSES).toEqual(JOB_STATUSES);
  expect(local.SORT_KEYS).toEqual(SORT_KEYS);
  expect(local.STAGE_NAMES).toEqual(STAGE_NAMES);
});
