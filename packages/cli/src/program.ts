import { Command } from 'commander';

export function buildProgram(): Command {
  const program = new Command('v2xsim')
    .description('v2xsim: full-stack EV charging simulator (ISO 15118, OCPP, OCPI)')
    .version('0.1.0');
  return program;
}
