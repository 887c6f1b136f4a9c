// The task list: one file per task, named <table>__<verb>.ts.
import type { TaskList } from 'graphile-worker';
import { approval__expire } from './approval__expire.ts';
import { booking__cancelled, booking__confirmed, booking__declined, booking__requested, booking__rescheduled } from './booking__notify.ts';
import { hold__sweep } from './hold__sweep.ts';
import { message__send } from './message__send.ts';
import { outbox__purge } from './outbox__purge.ts';
import { series__booked } from './series__booked.ts';
import { series__extend } from './series__extend.ts';

export const taskList: TaskList = {
  approval__expire,
  booking__requested,
  booking__confirmed,
  booking__declined,
  booking__cancelled,
  booking__rescheduled,
  hold__sweep,
  message__send,
  outbox__purge,
  series__booked,
  series__extend,
};
