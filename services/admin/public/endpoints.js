// Every /api/v1 route the console calls, in one place (see docs/api.md).

export function createEndpoints(client) {
  const enc = encodeURIComponent;
  return {
    client,
    auth: {
      login: async (username, password) => {
        const result = await client.post('/auth/login', { username, password });
        client.setToken(result?.token);
        return result;
      },
      logout: async () => {
        try {
          await client.post('/auth/logout');
        } finally {
          client.setToken(null);
        }
      },
      me: () => client.get('/auth/me'),
      changePassword: (body) => client.post('/auth/password', body),
    },
    accounts: {
      list: () => client.get('/accounts'),
      create: (body) => client.post('/accounts', body),
      update: (username, body) => client.patch(`/accounts/${enc(username)}`, body),
      remove: (username) => client.delete(`/accounts/${enc(username)}`),
      resetPassword: (username) => client.post(`/accounts/${enc(username)}/reset-password`),
    },
    extensions: {
      list: (query) => client.get('/extensions', { query }),
      create: (body) => client.post('/extensions', body),
      remove: (extension) => client.delete(`/extensions/${enc(extension)}`),
      setPassword: (extension, password) => client.put(`/users/${enc(extension)}/password`, { password }),
    },
    devices: {
      list: (query) => client.get('/devices', { query }),
      create: (body) => client.post('/devices', body),
      update: (id, body) => client.patch(`/devices/${enc(id)}`, body),
      remove: (id) => client.delete(`/devices/${enc(id)}`),
      uploadLicence: (id, licence) => client.put(`/devices/${enc(id)}/licence`, { licence }),
      qrCode: (id) => client.get(`/devices/${enc(id)}/qr`, { query: { format: 'json' } }),
      /** New own key (re-enrol, or enrol a server-key device): the answer carries its secret once. */
      enrol: (id, overlapSeconds) => client.post(`/devices/${enc(id)}/enrol`, { overlapSeconds }),
      revokeKeys: (id) => client.post(`/devices/${enc(id)}/revoke-keys`),
      /** Re-issues the keys of these devices: one enrolment QR code each, shown once. */
      enrolmentSheet: (deviceIds, overlapSeconds) =>
        client.post('/devices/enrolment-sheet', { deviceIds, overlapSeconds }),
    },
    destinations: {
      list: (query) => client.get('/destinations', { query }),
      create: (body) => client.post('/destinations', body),
      update: (id, body) => client.patch(`/destinations/${enc(id)}`, body),
      remove: (id) => client.delete(`/destinations/${enc(id)}`),
    },
    locations: {
      list: (query) => client.get('/locations', { query }),
      create: (body) => client.post('/locations', body),
      update: (id, body) => client.patch(`/locations/${enc(id)}`, body),
      remove: (id) => client.delete(`/locations/${enc(id)}`),
    },
    scenarios: {
      list: (extension) => client.get(`/users/${enc(extension)}/scenarios`),
      places: (extension) => client.get(`/users/${enc(extension)}/places`),
      replace: (extension, scenarios) => client.put(`/users/${enc(extension)}/scenarios`, { scenarios }),
    },
    privacy: {
      settings: () => client.get('/settings/privacy'),
      setSettings: (body) => client.put('/settings/privacy', body),
      presenceHistory: (extension) => client.get(`/users/${enc(extension)}/presence-history`),
    },
    keys: {
      list: () => client.get('/keys'),
      rotate: (body) => client.post('/keys/rotate', body),
      serverKeys: () => client.get('/keys/server-keys'),
      disableServerKeys: (body) => client.post('/keys/server-keys/disable', body),
    },
    /** RADIUS accounting clients (access points): a secret comes back once, as generatedSecret. */
    accountingClients: {
      list: () => client.get('/accounting-clients'),
      create: (body) => client.post('/accounting-clients', body),
      update: (id, body) => client.patch(`/accounting-clients/${enc(id)}`, body),
      rotateSecret: (id) => client.post(`/accounting-clients/${enc(id)}/rotate-secret`),
      remove: (id) => client.delete(`/accounting-clients/${enc(id)}`),
    },
    board: {
      current: () => client.get('/presence'),
      streamUrl: () => client.url('/presence/stream'),
    },
    followMe: {
      problems: () => client.get('/followme-status'),
    },
    tokens: {
      list: () => client.get('/tokens'),
      create: (body) => client.post('/tokens', body),
      revoke: (id) => client.delete(`/tokens/${enc(id)}`),
    },
    freepbx: {
      import: (body) => client.post('/import/freepbx', body),
    },
    bulk: {
      /** CSV file (a File/Blob) to /import/<kind>; dryRun checks without writing. */
      importCsv: (kind, file, dryRun) => {
        const form = new FormData();
        form.append('file', file, file.name ?? `${kind}.csv`);
        return client.post(`/import/${enc(kind)}`, form, { query: { dryRun } });
      },
      /** A plain link: the session cookie authenticates the download. */
      exportUrl: (kind) => client.url(`/export/${enc(kind)}.csv`),
    },
    audit: {
      list: (query) => client.get('/audit', { query }),
    },
  };
}
