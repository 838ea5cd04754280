import fs from 'node:fs';

/** CPU time and disk writes of a process, from Linux /proc (null elsewhere). */
export interface ProcUsage {
  cpuMs: number;
  writeBytes: number;
}

export function procUsage(pid: number): ProcUsage | null {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]);
    const io = fs.readFileSync(`/proc/${pid}/io`, 'utf8');
    const writeBytes = Number(/^write_bytes: (\d+)$/m.exec(io)?.[1] ?? Number.NaN);
    // USER_HZ is 100 on every Linux Node supports.
    return { cpuMs: ticks * 10, writeBytes };
  } catch {
    return null;
  }
}

/** The server's and this process's CPU use over a phase, as a share of one core. */
export interface PhaseUsage {
  serverCores: number | null;
  clientCores: number;
  serverWriteBytes: number | null;
}

export function measurePhase(pid: number): { end: () => PhaseUsage } {
  const started = performance.now();
  const server0 = procUsage(pid);
  const client0 = process.cpuUsage();
  return {
    end: () => {
      const wallMs = performance.now() - started;
      const server1 = procUsage(pid);
      const client = process.cpuUsage(client0);
      return {
        serverCores: server0 && server1 ? (server1.cpuMs - server0.cpuMs) / wallMs : null,
        clientCores: (client.user + client.system) / 1000 / wallMs,
        serverWriteBytes: server0 && server1 ? server1.writeBytes - server0.writeBytes : null,
      };
    },
  };
}

/**
 * CPU of every process of this user whose command is `postgres` (the server and its backends,
 * when PostgreSQL runs on this machine), as a share of one core over a phase; null when none
 * is visible. Backends of other databases count too: run nothing else on it meanwhile.
 */
export function measurePostgres(): { end: () => number | null } {
  const started = performance.now();
  const before = postgresCpuMs();
  return {
    end: () => {
      const after = postgresCpuMs();
      if (before === null || after === null) return null;
      // A backend that exited during the phase takes its time with it: a lower bound.
      return (after.total - before.total) / (performance.now() - started);
    },
  };
}

function postgresCpuMs(): { total: number } | null {
  let total = 0;
  let seen = 0;
  let pids: string[];
  try {
    pids = fs.readdirSync('/proc').filter((d) => /^\d+$/.test(d));
  } catch {
    return null;
  }
  for (const pid of pids) {
    try {
      const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
      const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
      if (name !== 'postgres') continue;
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      total += (Number(fields[11]) + Number(fields[12])) * 10;
      seen++;
    } catch {
      /* gone meanwhile */
    }
  }
  return seen > 0 ? { total } : null;
}
