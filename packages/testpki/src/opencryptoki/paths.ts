/** Where Debian's openCryptoki 3.x keeps its soft token and daemon (see docs/tokens: one soft token per host). */
export const OPENCRYPTOKI_MODULE_PATH = '/usr/lib/x86_64-linux-gnu/pkcs11/libopencryptoki.so';
export const PKCSSLOTD_PATH = '/usr/sbin/pkcsslotd';
export const PKCSSLOTD_PID_PATH = '/var/run/pkcsslotd.pid';
export const SOFT_TOKEN_DIR = '/var/lib/opencryptoki/swtok';
/** The soft token's slot in the stock /etc/opencryptoki/opencryptoki.conf. */
export const SOFT_TOKEN_SLOT = 3;
/** A fresh soft token only accepts this SO PIN in C_InitToken. */
export const FACTORY_SO_PIN = '87654321';
export const MIN_PIN_LENGTH = 4;
export const MAX_PIN_LENGTH = 8;
/** The folders `systemd-tmpfiles --create opencryptoki.conf` makes for the soft token. */
export const RUNTIME_DIRS = [
  '/var/lock/opencryptoki',
  '/var/lock/opencryptoki/swtok',
  SOFT_TOKEN_DIR,
  `${SOFT_TOKEN_DIR}/TOK_OBJ`,
];
