// The task list: one file per task, named <table>__<verb>.ts.
import type { TaskList } from 'graphile-worker';
import { message__send } from './message__send.ts';
import { outbox__purge } from './outbox__purge.ts';

export const taskList: TaskList = { message__send, outbox__purge };
