// Fixed WebAuthn responses (Level 3 JSON) that every runtime of the matrix verifies with the built
// mfa-core/webauthn. Made by the software authenticator of test/support/webauthn.ts and checked against the
// expected verdicts by test/webauthn/fixtures.node.test.ts, which also writes them again
// (WEBAUTHN_WRITE_FIXTURES=1, then npx biome check --write). Data only: no import, nothing that needs Node.
export const WEBAUTHN_FIXTURES = {
  rpId: 'example.com',
  origin: 'https://example.com',
  challenge: 'AQgPFh0kKzI5QEdOVVxjanF4f4aNlJuiqbC3vsXM09o',
  registrations: [
    {
      alg: -8,
      fmt: 'none',
      response: {
        id: 'x9D6Vqlf11-FMuGLJOXHSYl_PV9hCkrfaDlwVA-Jzec',
        rawId: 'x9D6Vqlf11-FMuGLJOXHSYl_PV9hCkrfaDlwVA-Jzec',
        type: 'public-key',
        response: {
          clientDataJSON:
            'eyJ0eXBlIjoid2ViYXV0aG4uY3JlYXRlIiwiY2hhbGxlbmdlIjoiQVFnUEZoMGtLekk1UUVkT1ZWeGphbkY0ZjRhTmxKdWlxYkMzdnNYTTA5byIsIm9yaWdpbiI6Imh0dHBzOi8vZXhhbXBsZS5jb20iLCJjcm9zc09yaWdpbiI6ZmFsc2V9',
          attestationObject:
            'o2NmbXRkbm9uZWdhdHRTdG10oGhhdXRoRGF0YViBo3mm9u6vuaVeN4wRgDTidR5oL6ufLTCrE9ISVYbOGUdNAAAAAQAAAAAAAAAAAAAAAAAAAAAAIMfQ-lapX9dfhTLhiyTlx0mJfz1fYQpK32g5cFQPic3npAEBAycgBiFYIAU-b2TWDAMJ7OaBJj0vJw3ufi6cc5SnPSJL6Lik2JdJ',
          transports: ['usb'],
        },
        clientExtensionResults: {},
      },
      expected: 'ok',
    },
    {
      alg: -8,
      fmt: 'packed',
      response: {
        id: 'x9D6Vqlf11-FMuGLJOXHSYl_PV9hCkrfaDlwVA-Jzec',
        rawId: 'x9D6Vqlf11-FMuGLJOXHSYl_PV9hCkrfaDlwVA-Jzec',
        type: 'public-key',
        response: {
          clientDataJSON:
            'eyJ0eXBlIjoid2ViYXV0aG4uY3JlYXRlIiwiY2hhbGxlbmdlIjoiQVFnUEZoMGtLekk1UUVkT1ZWeGphbkY0ZjRhTmxKdWlxYkMzdnNYTTA5byIsIm9yaWdpbiI6Imh0dHBzOi8vZXhhbXBsZS5jb20iLCJjcm9zc09yaWdpbiI6ZmFsc2V9',
          attestationObject:
            'o2NmbXRmcGFja2VkZ2F0dFN0bXSiY2FsZydjc2lnWEBSECoLuhVW0XiOd_eYIXopjpqw8ntzKB0OPWKqE7TKeFBgAWkJXbRoe3nOBnGbkPO5AjHazAX8BBb8LIblKqUNaGF1dGhEYXRhWIGjeab27q-5pV43jBGANOJ1Hmgvq58tMKsT0hJVhs4ZR00AAAABAAAAAAAAAAAAAAAAAAAAAAAgx9D6Vqlf11-FMuGLJOXHSYl_PV9hCkrfaDlwVA-JzeekAQEDJyAGIVggBT5vZNYMAwns5oEmPS8nDe5-LpxzlKc9IkvouKTYl0k',
          transports: ['usb'],
        },
        clientExtensionResults: {},
      },
      expected: 'ok',
    },
    {
      alg: -8,
      fmt: 'packed',
      response: {
        id: 'x9D6Vqlf11-FMuGLJOXHSYl_PV9hCkrfaDlwVA-Jzec',
        rawId: 'x9D6Vqlf11-FMuGLJOXHSYl_PV9hCkrfaDlwVA-Jzec',
        type: 'public-key',
        response: {
          clientDataJSON:
            'eyJ0eXBlIjoid2ViYXV0aG4uY3JlYXRlIiwiY2hhbGxlbmdlIjoiQVFnUEZoMGtLekk1UUVkT1ZWeGphbkY0ZjRhTmxKdWlxYkMzdnNYTTA5byIsIm9yaWdpbiI6Imh0dHBzOi8vZXhhbXBsZS5jb20iLCJjcm9zc09yaWdpbiI6ZmFsc2V9',
          attestationObject:
            'o2NmbXRmcGFja2VkZ2F0dFN0bXSiY2FsZydjc2lnWEBSECoLuhVW0XmOd_eYIXopjpqw8ntzKB0OPWKqE7TKeFBgAWkJXbRoe3nOBnGbkPO5AjHazAX8BBb8LIblKqUNaGF1dGhEYXRhWIGjeab27q-5pV43jBGANOJ1Hmgvq58tMKsT0hJVhs4ZR00AAAABAAAAAAAAAAAAAAAAAAAAAAAgx9D6Vqlf11-FMuGLJOXHSYl_PV9hCkrfaDlwVA-JzeekAQEDJyAGIVggBT5vZNYMAwns5oEmPS8nDe5-LpxzlKc9IkvouKTYl0k',
          transports: ['usb'],
        },
        clientExtensionResults: {},
      },
      expected: 'bad_signature',
    },
    {
      alg: -7,
      fmt: 'none',
      response: {
        id: 'wYjpSvvXzIeTTQXSokFCKbSzqztMnVIy-T9t8JjIivY',
        rawId: 'wYjpSvvXzIeTTQXSokFCKbSzqztMnVIy-T9t8JjIivY',
        type: 'public-key',
        response: {
          clientDataJSON:
            'eyJ0eXBlIjoid2ViYXV0aG4uY3JlYXRlIiwiY2hhbGxlbmdlIjoiQVFnUEZoMGtLekk1UUVkT1ZWeGphbkY0ZjRhTmxKdWlxYkMzdnNYTTA5byIsIm9yaWdpbiI6Imh0dHBzOi8vZXhhbXBsZS5jb20iLCJjcm9zc09yaWdpbiI6ZmFsc2V9',
          attestationObject:
            'o2NmbXRkbm9uZWdhdHRTdG10oGhhdXRoRGF0YViko3mm9u6vuaVeN4wRgDTidR5oL6ufLTCrE9ISVYbOGUdNAAAAAQAAAAAAAAAAAAAAAAAAAAAAIMGI6Ur718yHk00F0qJBQim0s6s7TJ1SMvk_bfCYyIr2pQECAyYgASFYIJ0hNxos-0ipmJG-Gqe0VorbIVBxY_zEML_jDDt761BsIlgg7q1-Z8P9Cu2WAOwGHqfA6TWQeu6gdG40-YP6irHHZRU',
          transports: ['usb'],
        },
        clientExtensionResults: {},
      },
      expected: 'ok',
    },
    {
      alg: -7,
      fmt: 'packed',
      response: {
        id: 'wYjpSvvXzIeTTQXSokFCKbSzqztMnVIy-T9t8JjIivY',
        rawId: 'wYjpSvvXzIeTTQXSokFCKbSzqztMnVIy-T9t8JjIivY',
        type: 'public-key',
        response: {
          clientDataJSON:
            'eyJ0eXBlIjoid2ViYXV0aG4uY3JlYXRlIiwiY2hhbGxlbmdlIjoiQVFnUEZoMGtLekk1UUVkT1ZWeGphbkY0ZjRhTmxKdWlxYkMzdnNYTTA5byIsIm9yaWdpbiI6Imh0dHBzOi8vZXhhbXBsZS5jb20iLCJjcm9zc09yaWdpbiI6ZmFsc2V9',
          attestationObject:
            'o2NmbXRmcGFja2VkZ2F0dFN0bXSiY2FsZyZjc2lnWEcwRQIgQNLMNKU-ATgXLkDQgtaQZfv3A0Mrmd6rV0e55JWaK74CIQDshozQdXNoRJvPg0dbzMgz5FYL6mjKrZ_ObVgI4Ugv32hhdXRoRGF0YViko3mm9u6vuaVeN4wRgDTidR5oL6ufLTCrE9ISVYbOGUdNAAAAAQAAAAAAAAAAAAAAAAAAAAAAIMGI6Ur718yHk00F0qJBQim0s6s7TJ1SMvk_bfCYyIr2pQECAyYgASFYIJ0hNxos-0ipmJG-Gqe0VorbIVBxY_zEML_jDDt761BsIlgg7q1-Z8P9Cu2WAOwGHqfA6TWQeu6gdG40-YP6irHHZRU',
          transports: ['usb'],
        },
        clientExtensionResults: {},
      },
      expected: 'ok',
    },
    {
      alg: -7,
      fmt: 'packed',
      response: {
        id: 'wYjpSvvXzIeTTQXSokFCKbSzqztMnVIy-T9t8JjIivY',
        rawId: 'wYjpSvvXzIeTTQXSokFCKbSzqztMnVIy-T9t8JjIivY',
        type: 'public-key',
        response: {
          clientDataJSON:
            'eyJ0eXBlIjoid2ViYXV0aG4uY3JlYXRlIiwiY2hhbGxlbmdlIjoiQVFnUEZoMGtLekk1UUVkT1ZWeGphbkY0ZjRhTmxKdWlxYkMzdnNYTTA5byIsIm9yaWdpbiI6Imh0dHBzOi8vZXhhbXBsZS5jb20iLCJjcm9zc09yaWdpbiI6ZmFsc2V9',
          attestationObject:
            'o2NmbXRmcGFja2VkZ2F0dFN0bXSiY2FsZyZjc2lnWEcwRQIhAJafzgxR7vbhPqR4SMoPyWs3LEXkwWHnOJtkz0NfNMD6AiBydFzFsFY48W43RHo-YUKQnZMnKuABdncjgsziX1apm2hhdXRoRGF0YViko3mm9u6vuaVeN4wRgDTidR5oL6ufLTCrE9ISVYbOGUdNAAAAAQAAAAAAAAAAAAAAAAAAAAAAIMGI6Ur718yHk00F0qJBQim0s6s7TJ1SMvk_bfCYyIr2pQECAyYgASFYIJ0hNxos-0ipmJG-Gqe0VorbIVBxY_zEML_jDDt761BsIlgg7q1-Z8P9Cu2WAOwGHqfA6TWQeu6gdG40-YP6irHHZRU',
          transports: ['usb'],
        },
        clientExtensionResults: {},
      },
      expected: 'bad_signature',
    },
    {
      alg: -257,
      fmt: 'none',
      response: {
        id: '60mnJKYSXRXA9JV4U94Ossk5J4NKvFt6ZCfLsYcnrTk',
        rawId: '60mnJKYSXRXA9JV4U94Ossk5J4NKvFt6ZCfLsYcnrTk',
        type: 'public-key',
        response: {
          clientDataJSON:
            'eyJ0eXBlIjoid2ViYXV0aG4uY3JlYXRlIiwiY2hhbGxlbmdlIjoiQVFnUEZoMGtLekk1UUVkT1ZWeGphbkY0ZjRhTmxKdWlxYkMzdnNYTTA5byIsIm9yaWdpbiI6Imh0dHBzOi8vZXhhbXBsZS5jb20iLCJjcm9zc09yaWdpbiI6ZmFsc2V9',
          attestationObject:
            'o2NmbXRkbm9uZWdhdHRTdG10oGhhdXRoRGF0YVkBZ6N5pvbur7mlXjeMEYA04nUeaC-rny0wqxPSElWGzhlHTQAAAAEAAAAAAAAAAAAAAAAAAAAAACDrSackphJdFcD0lXhT3g6yyTkng0q8W3pkJ8uxhyetOaQBAwM5AQAgWQEAp8X1oNLbm9iA4SKAeTfZoijpXCa4vNpeYsG_JzjPckUjfTtT45I3n7EvOrlR2U7I9te810ShYdmZXFr7TeTa79JSgHBQNMOwSyI0wZUNasndeJq6_Ix8eYmalulMQiv1iEWRgDR1xu8zy1B4W8CK_icM25vpyuRCcfteg-ZX5Z1K1fnq09F8xzkOee_wbVO-eev-on9_XLBbvJLJ_t-qcQq8u_dGr_kBcx4_-7gzWGeYOZoj0Ly52aaH5-_Hx2AetypGKX2pkAW5E4A_0h0MSVgvzmq8zF_mDLM8bB9hOnECg5sukLFsGWkZck3NM05I1EdgnPnARc-ltyETdV_agSFDAQAB',
          transports: ['usb'],
        },
        clientExtensionResults: {},
      },
      expected: 'ok',
    },
    {
      alg: -257,
      fmt: 'packed',
      response: {
        id: '60mnJKYSXRXA9JV4U94Ossk5J4NKvFt6ZCfLsYcnrTk',
        rawId: '60mnJKYSXRXA9JV4U94Ossk5J4NKvFt6ZCfLsYcnrTk',
        type: 'public-key',
        response: {
          clientDataJSON:
            'eyJ0eXBlIjoid2ViYXV0aG4uY3JlYXRlIiwiY2hhbGxlbmdlIjoiQVFnUEZoMGtLekk1UUVkT1ZWeGphbkY0ZjRhTmxKdWlxYkMzdnNYTTA5byIsIm9yaWdpbiI6Imh0dHBzOi8vZXhhbXBsZS5jb20iLCJjcm9zc09yaWdpbiI6ZmFsc2V9',
          attestationObject:
            'o2NmbXRmcGFja2VkZ2F0dFN0bXSiY2FsZzkBAGNzaWdZAQCId1kJ_JItlL6bcnOal3Xxsev7BbPU2jG3yufTy_rogeW01Hujrqe0Kw0_W2DAF1-wZP1ZkWQocLrWv7aXfeEQNs8qQ-WlZqTrvWHdEN3U41OlOBT9YCfD1U7_akL1VU4qgUS5iQPaH4PPk8TuQT8y0Pb52t-JoXwDK_nbO3pi0WaivmaTDapRCM-I_XqQRyjScbh-GgWqT3Hi_5k9VbJAug9-jR2RdroGZajTuN5dxwgCQXaiqfPRqCnrpy8kPT2r55U5x9qgXFEYxkqK-D3PjV2cChS_BSq8yh0AkYwp8vMpxwSay6qhz9B8rom3LjyaxsTdv8HoxgPKztigzJjKaGF1dGhEYXRhWQFno3mm9u6vuaVeN4wRgDTidR5oL6ufLTCrE9ISVYbOGUdNAAAAAQAAAAAAAAAAAAAAAAAAAAAAIOtJpySmEl0VwPSVeFPeDrLJOSeDSrxbemQny7GHJ605pAEDAzkBACBZAQCnxfWg0tub2IDhIoB5N9miKOlcJri82l5iwb8nOM9yRSN9O1PjkjefsS86uVHZTsj217zXRKFh2ZlcWvtN5Nrv0lKAcFA0w7BLIjTBlQ1qyd14mrr8jHx5iZqW6UxCK_WIRZGANHXG7zPLUHhbwIr-Jwzbm-nK5EJx-16D5lflnUrV-erT0XzHOQ557_BtU7556_6if39csFu8ksn-36pxCry790av-QFzHj_7uDNYZ5g5miPQvLnZpofn78fHYB63KkYpfamQBbkTgD_SHQxJWC_OarzMX-YMszxsH2E6cQKDmy6QsWwZaRlyTc0zTkjUR2Cc-cBFz6W3IRN1X9qBIUMBAAE',
          transports: ['usb'],
        },
        clientExtensionResults: {},
      },
      expected: 'ok',
    },
    {
      alg: -257,
      fmt: 'packed',
      response: {
        id: '60mnJKYSXRXA9JV4U94Ossk5J4NKvFt6ZCfLsYcnrTk',
        rawId: '60mnJKYSXRXA9JV4U94Ossk5J4NKvFt6ZCfLsYcnrTk',
        type: 'public-key',
        response: {
          clientDataJSON:
            'eyJ0eXBlIjoid2ViYXV0aG4uY3JlYXRlIiwiY2hhbGxlbmdlIjoiQVFnUEZoMGtLekk1UUVkT1ZWeGphbkY0ZjRhTmxKdWlxYkMzdnNYTTA5byIsIm9yaWdpbiI6Imh0dHBzOi8vZXhhbXBsZS5jb20iLCJjcm9zc09yaWdpbiI6ZmFsc2V9',
          attestationObject:
            'o2NmbXRmcGFja2VkZ2F0dFN0bXSiY2FsZzkBAGNzaWdZAQCId1kJ_JItlL-bcnOal3Xxsev7BbPU2jG3yufTy_rogeW01Hujrqe0Kw0_W2DAF1-wZP1ZkWQocLrWv7aXfeEQNs8qQ-WlZqTrvWHdEN3U41OlOBT9YCfD1U7_akL1VU4qgUS5iQPaH4PPk8TuQT8y0Pb52t-JoXwDK_nbO3pi0WaivmaTDapRCM-I_XqQRyjScbh-GgWqT3Hi_5k9VbJAug9-jR2RdroGZajTuN5dxwgCQXaiqfPRqCnrpy8kPT2r55U5x9qgXFEYxkqK-D3PjV2cChS_BSq8yh0AkYwp8vMpxwSay6qhz9B8rom3LjyaxsTdv8HoxgPKztigzJjKaGF1dGhEYXRhWQFno3mm9u6vuaVeN4wRgDTidR5oL6ufLTCrE9ISVYbOGUdNAAAAAQAAAAAAAAAAAAAAAAAAAAAAIOtJpySmEl0VwPSVeFPeDrLJOSeDSrxbemQny7GHJ605pAEDAzkBACBZAQCnxfWg0tub2IDhIoB5N9miKOlcJri82l5iwb8nOM9yRSN9O1PjkjefsS86uVHZTsj217zXRKFh2ZlcWvtN5Nrv0lKAcFA0w7BLIjTBlQ1qyd14mrr8jHx5iZqW6UxCK_WIRZGANHXG7zPLUHhbwIr-Jwzbm-nK5EJx-16D5lflnUrV-erT0XzHOQ557_BtU7556_6if39csFu8ksn-36pxCry790av-QFzHj_7uDNYZ5g5miPQvLnZpofn78fHYB63KkYpfamQBbkTgD_SHQxJWC_OarzMX-YMszxsH2E6cQKDmy6QsWwZaRlyTc0zTkjUR2Cc-cBFz6W3IRN1X9qBIUMBAAE',
          transports: ['usb'],
        },
        clientExtensionResults: {},
      },
      expected: 'bad_signature',
    },
  ],
  authentications: [
    {
      alg: -8,
      credential: {
        id: 'x9D6Vqlf11-FMuGLJOXHSYl_PV9hCkrfaDlwVA-Jzec',
        publicKey: 'pAEBAycgBiFYIAU-b2TWDAMJ7OaBJj0vJw3ufi6cc5SnPSJL6Lik2JdJ',
        signCount: 1,
        backupEligible: true,
      },
      response: {
        id: 'x9D6Vqlf11-FMuGLJOXHSYl_PV9hCkrfaDlwVA-Jzec',
        rawId: 'x9D6Vqlf11-FMuGLJOXHSYl_PV9hCkrfaDlwVA-Jzec',
        type: 'public-key',
        response: {
          clientDataJSON:
            'eyJ0eXBlIjoid2ViYXV0aG4uZ2V0IiwiY2hhbGxlbmdlIjoiQVFnUEZoMGtLekk1UUVkT1ZWeGphbkY0ZjRhTmxKdWlxYkMzdnNYTTA5byIsIm9yaWdpbiI6Imh0dHBzOi8vZXhhbXBsZS5jb20iLCJjcm9zc09yaWdpbiI6ZmFsc2V9',
          authenticatorData: 'o3mm9u6vuaVeN4wRgDTidR5oL6ufLTCrE9ISVYbOGUcZAAAAAg',
          signature: 'OjcBJ7iKCCtZRXoRQxRQ-SkNvDm35X7i2R-eXEwVZ0lXi6uGF4O5R7wMUIYa5n0miKw0zKXyEwdUrCqW5MArAA',
        },
        clientExtensionResults: {},
      },
      expected: 'ok',
    },
    {
      alg: -8,
      credential: {
        id: 'x9D6Vqlf11-FMuGLJOXHSYl_PV9hCkrfaDlwVA-Jzec',
        publicKey: 'pAEBAycgBiFYIAU-b2TWDAMJ7OaBJj0vJw3ufi6cc5SnPSJL6Lik2JdJ',
        signCount: 1,
        backupEligible: true,
      },
      response: {
        id: 'x9D6Vqlf11-FMuGLJOXHSYl_PV9hCkrfaDlwVA-Jzec',
        rawId: 'x9D6Vqlf11-FMuGLJOXHSYl_PV9hCkrfaDlwVA-Jzec',
        type: 'public-key',
        response: {
          clientDataJSON:
            'eyJ0eXBlIjoid2ViYXV0aG4uZ2V0IiwiY2hhbGxlbmdlIjoiQVFnUEZoMGtLekk1UUVkT1ZWeGphbkY0ZjRhTmxKdWlxYkMzdnNYTTA5byIsIm9yaWdpbiI6Imh0dHBzOi8vZXZpbC5leGFtcGxlIiwiY3Jvc3NPcmlnaW4iOmZhbHNlfQ',
          authenticatorData: 'o3mm9u6vuaVeN4wRgDTidR5oL6ufLTCrE9ISVYbOGUcZAAAAAg',
          signature: 'id1-4BCh1kNoOaZiO8zdNRpXLAc1XuSPZVL5qiUmnayXvGrEEqgFFfe3y5qyaUtUz88osZmSUk-LR50PqvD7Bg',
        },
        clientExtensionResults: {},
      },
      expected: 'origin_mismatch',
    },
    {
      alg: -8,
      credential: {
        id: 'x9D6Vqlf11-FMuGLJOXHSYl_PV9hCkrfaDlwVA-Jzec',
        publicKey: 'pAEBAycgBiFYIAU-b2TWDAMJ7OaBJj0vJw3ufi6cc5SnPSJL6Lik2JdJ',
        signCount: 1,
        backupEligible: true,
      },
      response: {
        id: 'x9D6Vqlf11-FMuGLJOXHSYl_PV9hCkrfaDlwVA-Jzec',
        rawId: 'x9D6Vqlf11-FMuGLJOXHSYl_PV9hCkrfaDlwVA-Jzec',
        type: 'public-key',
        response: {
          clientDataJSON:
            'eyJ0eXBlIjoid2ViYXV0aG4uZ2V0IiwiY2hhbGxlbmdlIjoiQVFnUEZoMGtLekk1UUVkT1ZWeGphbkY0ZjRhTmxKdWlxYkMzdnNYTTA5byIsIm9yaWdpbiI6Imh0dHBzOi8vZXhhbXBsZS5jb20iLCJjcm9zc09yaWdpbiI6ZmFsc2V9',
          authenticatorData: 'o3mm9u6vuaVeN4wRgDTidR5oL6ufLTCrE9ISVYbOGUcZAAAAAg',
          signature: 'OjcBJ7iKCCtYRXoRQxRQ-SkNvDm35X7i2R-eXEwVZ0lXi6uGF4O5R7wMUIYa5n0miKw0zKXyEwdUrCqW5MArAA',
        },
        clientExtensionResults: {},
      },
      expected: 'bad_signature',
    },
    {
      alg: -7,
      credential: {
        id: 'wYjpSvvXzIeTTQXSokFCKbSzqztMnVIy-T9t8JjIivY',
        publicKey:
          'pQECAyYgASFYIJ0hNxos-0ipmJG-Gqe0VorbIVBxY_zEML_jDDt761BsIlgg7q1-Z8P9Cu2WAOwGHqfA6TWQeu6gdG40-YP6irHHZRU',
        signCount: 1,
        backupEligible: true,
      },
      response: {
        id: 'wYjpSvvXzIeTTQXSokFCKbSzqztMnVIy-T9t8JjIivY',
        rawId: 'wYjpSvvXzIeTTQXSokFCKbSzqztMnVIy-T9t8JjIivY',
        type: 'public-key',
        response: {
          clientDataJSON:
            'eyJ0eXBlIjoid2ViYXV0aG4uZ2V0IiwiY2hhbGxlbmdlIjoiQVFnUEZoMGtLekk1UUVkT1ZWeGphbkY0ZjRhTmxKdWlxYkMzdnNYTTA5byIsIm9yaWdpbiI6Imh0dHBzOi8vZXhhbXBsZS5jb20iLCJjcm9zc09yaWdpbiI6ZmFsc2V9',
          authenticatorData: 'o3mm9u6vuaVeN4wRgDTidR5oL6ufLTCrE9ISVYbOGUcZAAAAAg',
          signature: 'MEUCIG_KUt3xIv2RNo7Ec8ZhFvYdflrnYjrnLIiiAH2EOWCPAiEAyqeOvRDKjQ9ZAnjV2eRwI6EWVdshnaJEZAOTLHv_hHQ',
        },
        clientExtensionResults: {},
      },
      expected: 'ok',
    },
    {
      alg: -7,
      credential: {
        id: 'wYjpSvvXzIeTTQXSokFCKbSzqztMnVIy-T9t8JjIivY',
        publicKey:
          'pQECAyYgASFYIJ0hNxos-0ipmJG-Gqe0VorbIVBxY_zEML_jDDt761BsIlgg7q1-Z8P9Cu2WAOwGHqfA6TWQeu6gdG40-YP6irHHZRU',
        signCount: 1,
        backupEligible: true,
      },
      response: {
        id: 'wYjpSvvXzIeTTQXSokFCKbSzqztMnVIy-T9t8JjIivY',
        rawId: 'wYjpSvvXzIeTTQXSokFCKbSzqztMnVIy-T9t8JjIivY',
        type: 'public-key',
        response: {
          clientDataJSON:
            'eyJ0eXBlIjoid2ViYXV0aG4uZ2V0IiwiY2hhbGxlbmdlIjoiQVFnUEZoMGtLekk1UUVkT1ZWeGphbkY0ZjRhTmxKdWlxYkMzdnNYTTA5byIsIm9yaWdpbiI6Imh0dHBzOi8vZXZpbC5leGFtcGxlIiwiY3Jvc3NPcmlnaW4iOmZhbHNlfQ',
          authenticatorData: 'o3mm9u6vuaVeN4wRgDTidR5oL6ufLTCrE9ISVYbOGUcZAAAAAg',
          signature: 'MEUCIDVCrkVC384ZvtLJ1Eb-O1EdTFbRgI45mbVSSrE_vXy3AiEA7O7DnhZKFteDUEk50ZNNOBMtOP-gPuPKlJAtpeW_MO8',
        },
        clientExtensionResults: {},
      },
      expected: 'origin_mismatch',
    },
    {
      alg: -7,
      credential: {
        id: 'wYjpSvvXzIeTTQXSokFCKbSzqztMnVIy-T9t8JjIivY',
        publicKey:
          'pQECAyYgASFYIJ0hNxos-0ipmJG-Gqe0VorbIVBxY_zEML_jDDt761BsIlgg7q1-Z8P9Cu2WAOwGHqfA6TWQeu6gdG40-YP6irHHZRU',
        signCount: 1,
        backupEligible: true,
      },
      response: {
        id: 'wYjpSvvXzIeTTQXSokFCKbSzqztMnVIy-T9t8JjIivY',
        rawId: 'wYjpSvvXzIeTTQXSokFCKbSzqztMnVIy-T9t8JjIivY',
        type: 'public-key',
        response: {
          clientDataJSON:
            'eyJ0eXBlIjoid2ViYXV0aG4uZ2V0IiwiY2hhbGxlbmdlIjoiQVFnUEZoMGtLekk1UUVkT1ZWeGphbkY0ZjRhTmxKdWlxYkMzdnNYTTA5byIsIm9yaWdpbiI6Imh0dHBzOi8vZXhhbXBsZS5jb20iLCJjcm9zc09yaWdpbiI6ZmFsc2V9',
          authenticatorData: 'o3mm9u6vuaVeN4wRgDTidR5oL6ufLTCrE9ISVYbOGUcZAAAAAg',
          signature: 'MEYCIQDm0CiVn0qM8xGW4oS5ZKsHCI974rg-erZgR9Ya-YRzQwIhAKZaEdIKpR1HtiYaCdG1DGx_5Eo5W6-HEPMEN2ASlYgp',
        },
        clientExtensionResults: {},
      },
      expected: 'bad_signature',
    },
    {
      alg: -257,
      credential: {
        id: '60mnJKYSXRXA9JV4U94Ossk5J4NKvFt6ZCfLsYcnrTk',
        publicKey:
          'pAEDAzkBACBZAQCnxfWg0tub2IDhIoB5N9miKOlcJri82l5iwb8nOM9yRSN9O1PjkjefsS86uVHZTsj217zXRKFh2ZlcWvtN5Nrv0lKAcFA0w7BLIjTBlQ1qyd14mrr8jHx5iZqW6UxCK_WIRZGANHXG7zPLUHhbwIr-Jwzbm-nK5EJx-16D5lflnUrV-erT0XzHOQ557_BtU7556_6if39csFu8ksn-36pxCry790av-QFzHj_7uDNYZ5g5miPQvLnZpofn78fHYB63KkYpfamQBbkTgD_SHQxJWC_OarzMX-YMszxsH2E6cQKDmy6QsWwZaRlyTc0zTkjUR2Cc-cBFz6W3IRN1X9qBIUMBAAE',
        signCount: 1,
        backupEligible: true,
      },
      response: {
        id: '60mnJKYSXRXA9JV4U94Ossk5J4NKvFt6ZCfLsYcnrTk',
        rawId: '60mnJKYSXRXA9JV4U94Ossk5J4NKvFt6ZCfLsYcnrTk',
        type: 'public-key',
        response: {
          clientDataJSON:
            'eyJ0eXBlIjoid2ViYXV0aG4uZ2V0IiwiY2hhbGxlbmdlIjoiQVFnUEZoMGtLekk1UUVkT1ZWeGphbkY0ZjRhTmxKdWlxYkMzdnNYTTA5byIsIm9yaWdpbiI6Imh0dHBzOi8vZXhhbXBsZS5jb20iLCJjcm9zc09yaWdpbiI6ZmFsc2V9',
          authenticatorData: 'o3mm9u6vuaVeN4wRgDTidR5oL6ufLTCrE9ISVYbOGUcZAAAAAg',
          signature:
            'di9KSRO96KTiJDT2bjIbty2yt7AKuj1zedfv9YeJa4VQtsWPmgGPDf6CHTltN_3xzjrelykw1pSHOqb6q7UX-_4U_7sOLXJvZ_smPPg-RIAcL6PfQ7YAI7xd-N6uSHPqFchVFBgV_i51dmGXjo9Q8BqcYvKUQ9i8f4Cn5ALXpf-3NuUd5dR-QLy637byvji6LPyD879iQErdtD15BS5i989-uWJn1rzi86dpPs2duCit0rXU7OFBHS80HX_2s_FSC9_yW1wxJ6iOy30rK5kfNQhICDJFMw8MX-9oAHazWcy7Lry3mO9kJ3e6f6UeyQN_wNMxP7n-a-mlmLEfJpXfig',
        },
        clientExtensionResults: {},
      },
      expected: 'ok',
    },
    {
      alg: -257,
      credential: {
        id: '60mnJKYSXRXA9JV4U94Ossk5J4NKvFt6ZCfLsYcnrTk',
        publicKey:
          'pAEDAzkBACBZAQCnxfWg0tub2IDhIoB5N9miKOlcJri82l5iwb8nOM9yRSN9O1PjkjefsS86uVHZTsj217zXRKFh2ZlcWvtN5Nrv0lKAcFA0w7BLIjTBlQ1qyd14mrr8jHx5iZqW6UxCK_WIRZGANHXG7zPLUHhbwIr-Jwzbm-nK5EJx-16D5lflnUrV-erT0XzHOQ557_BtU7556_6if39csFu8ksn-36pxCry790av-QFzHj_7uDNYZ5g5miPQvLnZpofn78fHYB63KkYpfamQBbkTgD_SHQxJWC_OarzMX-YMszxsH2E6cQKDmy6QsWwZaRlyTc0zTkjUR2Cc-cBFz6W3IRN1X9qBIUMBAAE',
        signCount: 1,
        backupEligible: true,
      },
      response: {
        id: '60mnJKYSXRXA9JV4U94Ossk5J4NKvFt6ZCfLsYcnrTk',
        rawId: '60mnJKYSXRXA9JV4U94Ossk5J4NKvFt6ZCfLsYcnrTk',
        type: 'public-key',
        response: {
          clientDataJSON:
            'eyJ0eXBlIjoid2ViYXV0aG4uZ2V0IiwiY2hhbGxlbmdlIjoiQVFnUEZoMGtLekk1UUVkT1ZWeGphbkY0ZjRhTmxKdWlxYkMzdnNYTTA5byIsIm9yaWdpbiI6Imh0dHBzOi8vZXZpbC5leGFtcGxlIiwiY3Jvc3NPcmlnaW4iOmZhbHNlfQ',
          authenticatorData: 'o3mm9u6vuaVeN4wRgDTidR5oL6ufLTCrE9ISVYbOGUcZAAAAAg',
          signature:
            'kyEKTQtLAozjGSHRUfs2E0eb0BgE6318g6v4XQxNT76iJwMcBnLx62O9tFmdkuGZr4aUMeUfyfYDWtlljIkNzA67s7Agvtc_cMrX6K7hmjKoWCxLLedW4SOKinjZJaGcaglgSJVL9mu9WvplXggjG1lDwsoz1Yv0xQr-8M0pfe4mpA0l6FTYgS7fhDw-zl6U-xkNgwzfK4PjD_gyS6BbkL5zxM4JBLuKytrAfRxWRmIxtgT29tkVDe-iZYOB1AHVRVuJB_mvRNEZ0d9dVjLDCOtXhSKTx1flVjJLpcd2-yhiSEIk6Z_5-0ZIEw9gXySVvhI6IpkSpkFXrDh9_X_VkQ',
        },
        clientExtensionResults: {},
      },
      expected: 'origin_mismatch',
    },
    {
      alg: -257,
      credential: {
        id: '60mnJKYSXRXA9JV4U94Ossk5J4NKvFt6ZCfLsYcnrTk',
        publicKey:
          'pAEDAzkBACBZAQCnxfWg0tub2IDhIoB5N9miKOlcJri82l5iwb8nOM9yRSN9O1PjkjefsS86uVHZTsj217zXRKFh2ZlcWvtN5Nrv0lKAcFA0w7BLIjTBlQ1qyd14mrr8jHx5iZqW6UxCK_WIRZGANHXG7zPLUHhbwIr-Jwzbm-nK5EJx-16D5lflnUrV-erT0XzHOQ557_BtU7556_6if39csFu8ksn-36pxCry790av-QFzHj_7uDNYZ5g5miPQvLnZpofn78fHYB63KkYpfamQBbkTgD_SHQxJWC_OarzMX-YMszxsH2E6cQKDmy6QsWwZaRlyTc0zTkjUR2Cc-cBFz6W3IRN1X9qBIUMBAAE',
        signCount: 1,
        backupEligible: true,
      },
      response: {
        id: '60mnJKYSXRXA9JV4U94Ossk5J4NKvFt6ZCfLsYcnrTk',
        rawId: '60mnJKYSXRXA9JV4U94Ossk5J4NKvFt6ZCfLsYcnrTk',
        type: 'public-key',
        response: {
          clientDataJSON:
            'eyJ0eXBlIjoid2ViYXV0aG4uZ2V0IiwiY2hhbGxlbmdlIjoiQVFnUEZoMGtLekk1UUVkT1ZWeGphbkY0ZjRhTmxKdWlxYkMzdnNYTTA5byIsIm9yaWdpbiI6Imh0dHBzOi8vZXhhbXBsZS5jb20iLCJjcm9zc09yaWdpbiI6ZmFsc2V9',
          authenticatorData: 'o3mm9u6vuaVeN4wRgDTidR5oL6ufLTCrE9ISVYbOGUcZAAAAAg',
          signature:
            'di9KSRO96KTjJDT2bjIbty2yt7AKuj1zedfv9YeJa4VQtsWPmgGPDf6CHTltN_3xzjrelykw1pSHOqb6q7UX-_4U_7sOLXJvZ_smPPg-RIAcL6PfQ7YAI7xd-N6uSHPqFchVFBgV_i51dmGXjo9Q8BqcYvKUQ9i8f4Cn5ALXpf-3NuUd5dR-QLy637byvji6LPyD879iQErdtD15BS5i989-uWJn1rzi86dpPs2duCit0rXU7OFBHS80HX_2s_FSC9_yW1wxJ6iOy30rK5kfNQhICDJFMw8MX-9oAHazWcy7Lry3mO9kJ3e6f6UeyQN_wNMxP7n-a-mlmLEfJpXfig',
        },
        clientExtensionResults: {},
      },
      expected: 'bad_signature',
    },
  ],
}
