/** Query keys of the set-up area; all start with 'setup' (the workspace switch clears them). */
export const setupKeys = {
  connectors: ['setup', 'connectors'] as const,
  connector: (id: string) => ['setup', 'connectors', id] as const,
  deliveries: (id: string, failedOnly: boolean, limit: number) =>
    ['setup', 'connectors', id, 'deliveries', { failedOnly, limit }] as const,
  dataRequests: (id: string) => ['setup', 'connectors', id, 'data-requests'] as const,
  importList: ['setup', 'imports', 'list'] as const,
  importJob: (id: string) => ['setup', 'imports', 'job', id] as const,
  mappings: ['setup', 'import-mappings'] as const,
  sftpSources: ['setup', 'sftp'] as const,
  sftpSource: (id: string) => ['setup', 'sftp', id] as const,
  sftpFiles: (id: string, status: string | null, limit: number) =>
    ['setup', 'sftp', id, 'files', { status, limit }] as const,
};
