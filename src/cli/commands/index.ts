/**
 * Every subcommand, in the order `mapscope --help` lists them. A command module
 * exports `command: CommandModule`; add it to the list to make it reachable.
 */
import type { CommandModule } from '../module.js';
import { command as tour } from './tour.js';
import { command as layout } from './layout.js';
import { command as sim } from './sim.js';
import { command as check } from './check.js';
import { command as inspect } from './inspect.js';
import { command as litmus } from './litmus.js';
import { command as view } from './view.js';
import { command as footprint } from './footprint.js';
import { command as disasm } from './disasm.js';
import { command as gctrace } from './gctrace.js';
import { command as profile } from './profile.js';
import { command as race } from './race.js';
import { command as falseshare } from './falseshare.js';

export const commands: CommandModule[] = [tour, layout, sim, footprint, check, inspect, litmus, race, falseshare, disasm, profile, gctrace, view];
