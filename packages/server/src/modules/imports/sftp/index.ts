/**
 * Scheduled SFTP pulls: sources (a folder on an SFTP server, a file pattern, an import kind and
 * mapping, a cron schedule), the per-file ledger that makes each remote file version import
 * exactly once, and the job that polls each source at its cron instants.
 */
export { globProblem } from './file-pattern.js';
export { type FileImporter } from './import-port.js';
export { connectSftp, fingerprintOf, privateKeyProblem, type SftpEndpoint } from './sftp-client.js';
export { SftpFileLog, type FileStatus, type SftpFileInfo } from './sftp-file-log.js';
export { SftpPuller, sftpPullHandler, type PullResult } from './sftp-puller.js';
export { SFTP_PULL_JOB, cronProblem, isTimeZone, nextRunAfter } from './sftp-schedule.js';
export {
  SftpSources,
  type SftpSourceInfo,
  type SftpSourceInput,
  type SftpSourcePatch,
} from './sftp-sources.js';
