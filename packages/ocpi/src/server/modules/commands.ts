// Commands module (mod_commands.asciidoc). The CPO is the Receiver; the eMSP/SCSP the Sender.
//   Receiver (CPO):  POST {commands}/{START_SESSION|STOP_SESSION|RESERVE_NOW|CANCEL_RESERVATION|UNLOCK_CONNECTOR}
//                    answered at once with a CommandResponse; the result follows asynchronously
//   Sender (eMSP):   POST at the response_url it gave: the CommandResult (path {commands}/{command}/{uid})
import { OcpiError } from '../../core/status.js';
import type { CancelReservation, CommandResponse, CommandResult, CommandType, ReserveNow, StartSession, StopSession, UnlockConnector } from '../../generated/types.js';
import type { MaybePromise, OcpiModule } from '../module.js';
import { registerOperation, type OcpiRequestContext } from '../route.js';

export type CommandRequest =
  | { type: 'START_SESSION'; body: StartSession }
  | { type: 'STOP_SESSION'; body: StopSession }
  | { type: 'RESERVE_NOW'; body: ReserveNow }
  | { type: 'CANCEL_RESERVATION'; body: CancelReservation }
  | { type: 'UNLOCK_CONNECTOR'; body: UnlockConnector };

export interface CommandsReceiverHandlers {
  /** the synchronous answer; the CommandResult goes later to body.response_url */
  command(ctx: OcpiRequestContext, request: CommandRequest): MaybePromise<CommandResponse>;
}

const COMMAND_OPERATIONS = {
  START_SESSION: 'receiverPostStartSession',
  STOP_SESSION: 'receiverPostStopSession',
  RESERVE_NOW: 'receiverPostReserveNow',
  CANCEL_RESERVATION: 'receiverPostCancelReservation',
  UNLOCK_CONNECTOR: 'receiverPostUnlockConnector',
} as const satisfies Record<CommandType, string>;

export function commandsReceiverPlugin(h: CommandsReceiverHandlers): OcpiModule {
  return {
    identifier: 'commands',
    role: 'RECEIVER',
    register(app, core) {
      for (const [type, op] of Object.entries(COMMAND_OPERATIONS) as [CommandType, (typeof COMMAND_OPERATIONS)[CommandType]][]) {
        registerOperation(app, core, op, async (ctx, { body }) => ({ data: await h.command(ctx, { type, body } as CommandRequest) }));
      }
    },
  };
}

export interface CommandsSenderHandlers {
  /** the asynchronous CommandResult for the command sent with response_url {commands}/{command}/{uid} */
  result(ctx: OcpiRequestContext, command: CommandType, uid: string, result: CommandResult): MaybePromise<void>;
}

export function commandsSenderPlugin(h: CommandsSenderHandlers): OcpiModule {
  return {
    identifier: 'commands',
    role: 'SENDER',
    register(app, core) {
      registerOperation(app, core, 'senderPostCommandResult', async (ctx, { params, body }) => {
        if (!(params.command in COMMAND_OPERATIONS)) throw OcpiError.invalid(`unknown command ${params.command}`);
        await h.result(ctx, params.command as CommandType, params.uid, body as CommandResult);
        return {};
      });
    },
  };
}
