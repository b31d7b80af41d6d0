/* global document, window, EventSource */
// The portal page: plain DOM, no framework. Every signing runs the same way: the server opens a
// session, the page shows its code and countdown and listens on the session's event stream.
'use strict';

const $ = (id) => document.getElementById(id);
const VIEWS = [...document.querySelectorAll('main > section')].map((s) => s.id);

const REJECTIONS = {
  TCKN_MISMATCH:
    'Kullanılan kart bu T.C. Kimlik No’ya ait değil. Doğru kişinin kartıyla yeniden deneyiniz.',
  SIGNER_MISMATCH: 'Metinler farklı sertifikalarla imzalandı.',
  REVOKED: 'Sertifika iptal edilmiş ya da askıya alınmış.',
  EXPIRED: 'Sertifikanın geçerlilik süresi dolmuş.',
  NOT_YET_VALID: 'Sertifika henüz geçerli değil.',
  NO_CERTIFICATE_CHAIN_FOUND: 'Sertifika güvenilen bir sertifika hizmet sağlayıcısından değil.',
  TRY_LATER: 'Sertifika iptal durumu şu anda sorgulanamadı; biraz sonra yeniden deneyiniz.',
};

let me = { loggedIn: false };
let signing = null;

function show(view) {
  for (const id of VIEWS) $(id).hidden = id !== view;
}

function isValidTckn(tckn) {
  if (!/^[1-9][0-9]{10}$/.test(tckn)) return false;
  const d = [...tckn].map(Number);
  const odd = d[0] + d[2] + d[4] + d[6] + d[8];
  const even = d[1] + d[3] + d[5] + d[7];
  if ((((odd * 7 - even) % 10) + 10) % 10 !== d[9]) return false;
  return d.slice(0, 10).reduce((a, b) => a + b, 0) % 10 === d[10];
}

async function call(method, path, body) {
  const response = await fetch(path, {
    method,
    credentials: 'same-origin',
    headers: body === undefined ? {} : { 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const data = await response.json().catch(() => ({}));
  return { ok: response.ok, status: response.status, data };
}

function errorText(data, fallback) {
  return (data && data.error && data.error.message) || fallback;
}

function mmss(seconds) {
  const s = Math.max(0, Math.ceil(seconds));
  return `${String(Math.floor(s / 60)).padStart(2, '0')}:${String(s % 60).padStart(2, '0')}`;
}

async function refreshMe() {
  const { data } = await call('GET', '/portal/api/me');
  me = data;
  $('who').textContent = me.loggedIn ? me.name : '';
  if (!me.loggedIn) return;
  $('greeting').textContent = `Sayın ${me.name}`;
  $('eonay-give').hidden = me.eOnay;
  $('eonay-given').hidden = !me.eOnay;
  const info = $('cert-info');
  info.replaceChildren();
  const rows = [
    ['T.C. Kimlik No', me.tckn],
    ['Sertifika Seri No', me.certificate.serial],
    ['Yayımlayan', me.certificate.issuer],
    ['Geçerlilik Başlangıcı', new Date(me.certificate.notBefore).toLocaleString('tr-TR')],
    ['Geçerlilik Sonu', new Date(me.certificate.notAfter).toLocaleString('tr-TR')],
    ['Anahtar', me.certificate.keyAlgorithm],
  ];
  for (const [key, value] of rows) {
    const dt = document.createElement('dt');
    dt.textContent = key;
    const dd = document.createElement('dd');
    dd.textContent = value;
    info.append(dt, dd);
  }
  for (const select of document.querySelectorAll('select[data-choices]')) {
    if (select.options.length > 0) continue;
    for (const choice of me.choices[select.dataset.choices])
      select.add(new window.Option(choice, choice));
  }
}

function stopSigning() {
  if (!signing) return;
  signing.events?.close();
  clearInterval(signing.timer);
  signing = null;
}

function signState(which) {
  $('sign-pending').hidden = which !== 'pending';
  $('sign-expired').hidden = which !== 'expired';
  $('sign-rejected').hidden = which !== 'rejected';
}

/** Opens a signing session for `request` and calls `done(result)` once it is signed and acted on. */
async function startSigning(request, title, done) {
  stopSigning();
  $('sign-title').textContent = title;
  $('sign-status').textContent = 'Doğrulama kodu alınıyor…';
  $('copy-status').textContent = '';
  $('sign-code').textContent = '';
  signState('none');
  show('view-sign');
  const { ok, data } = await call('POST', '/portal/api/sign', request);
  if (!ok) {
    $('sign-status').textContent = errorText(data, 'İmza oturumu açılamadı.');
    return;
  }
  const current = { request, title, done, data, deadline: 0, finished: false };
  signing = current;
  $('sign-code').textContent = data.groupedCode;
  $('sign-link').href = data.deepLink;
  // The CLI talks to http://127.0.0.1:8080 unless told otherwise.
  const apiFlag =
    window.location.origin === 'http://127.0.0.1:8080' ? '' : ` --api ${window.location.origin}`;
  $('sign-cli').textContent = `npm run eimza -- sign --code ${data.verificationCode}${apiFlag}`;
  $('sign-status').textContent = 'İmzanız bekleniyor…';
  signState('pending');
  const setLeft = (seconds) => {
    current.deadline = performance.now() + seconds * 1000;
  };
  const tick = () => {
    const left = (current.deadline - performance.now()) / 1000;
    $('sign-left').textContent = mmss(left);
    if (left <= 0 && !current.finished) expired(current);
  };
  setLeft(data.secondsLeft);
  tick();
  current.timer = setInterval(tick, 250);
  const url = `/api/v1/sessions/${data.sessionId}/events?token=${encodeURIComponent(data.browserToken)}`;
  current.events = new EventSource(url);
  current.events.addEventListener('state', (event) => {
    if (signing !== current || current.finished) return;
    const status = JSON.parse(event.data);
    if (status.state === 'pending') return setLeft(status.secondsLeft);
    if (status.state === 'expired') return expired(current);
    current.finished = true;
    current.events.close();
    clearInterval(current.timer);
    if (status.state === 'rejected') {
      const rejection = status.rejection || {};
      $('sign-rejection').textContent =
        `İmza kabul edilmedi: ${REJECTIONS[rejection.code] || rejection.message || ''}`.trim();
      $('sign-status').textContent = '';
      signState('rejected');
      return;
    }
    $('sign-status').textContent = 'İmza doğrulandı, işleminiz tamamlanıyor…';
    complete(current);
  });
  current.events.onerror = () => {
    if (
      signing === current &&
      !current.finished &&
      current.events.readyState === EventSource.CLOSED
    )
      $('sign-status').textContent = 'Sunucu bağlantısı koptu; sayfayı yenileyiniz.';
  };
}

function expired(current) {
  if (current.finished) return;
  current.finished = true;
  current.events?.close();
  clearInterval(current.timer);
  $('sign-left').textContent = '00:00';
  $('sign-status').textContent = '';
  signState('expired');
}

async function complete(current) {
  const { sessionId, browserToken } = current.data;
  const { ok, data } = await call('POST', '/portal/api/sign/complete', { sessionId, browserToken });
  if (!ok) {
    $('sign-status').textContent = errorText(data, 'İşlem tamamlanamadı.');
    return;
  }
  signing = null;
  await current.done(data);
}

function retrySigning() {
  if (signing) startSigning(signing.request, signing.title, signing.done);
}

async function backToMenu(message) {
  await refreshMe();
  if (!me.loggedIn) return show('view-login');
  $('menu-message').textContent = message || '';
  show('view-menu');
}

function wire() {
  $('login-form').addEventListener('submit', (event) => {
    event.preventDefault();
    const tckn = $('tckn').value.trim();
    if (!isValidTckn(tckn)) {
      $('tckn-error').textContent =
        'Geçerli bir T.C. Kimlik No giriniz (11 hane, kontrol haneleri doğru).';
      $('tckn').setAttribute('aria-invalid', 'true');
      return;
    }
    $('tckn-error').textContent = '';
    $('tckn').removeAttribute('aria-invalid');
    startSigning({ kind: 'login', tckn }, 'E-imzalı Giriş', () => backToMenu('Giriş yapıldı.'));
  });

  $('copy-code').addEventListener('click', async () => {
    const code = signing?.data.verificationCode;
    if (!code) return;
    try {
      await navigator.clipboard.writeText(code);
      $('copy-status').textContent = 'Kopyalandı';
    } catch {
      $('copy-status').textContent = 'Kopyalanamadı; kodu elle seçiniz.';
    }
  });
  $('sign-retry').addEventListener('click', retrySigning);
  $('sign-retry-rejected').addEventListener('click', retrySigning);
  $('sign-back').addEventListener('click', () => {
    stopSigning();
    backToMenu();
  });

  for (const button of document.querySelectorAll('[data-view]')) {
    button.addEventListener('click', () => {
      $('menu-message').textContent = '';
      show(button.dataset.view);
    });
  }
  for (const button of document.querySelectorAll('[data-operation]')) {
    button.addEventListener('click', () => {
      const label = button.textContent;
      startSigning({ kind: 'operation', operation: button.dataset.operation }, label, () =>
        backToMenu(`“${label}” işleminiz imzalı olarak alındı.`),
      );
    });
  }

  $('eonay-continue').addEventListener('click', () => {
    const choice = document.querySelector('input[name="eonay"]:checked');
    if (!choice) {
      $('eonay-error').textContent = 'Lütfen bir seçim yapınız.';
      return;
    }
    $('eonay-error').textContent = '';
    if (choice.value === 'reject') return backToMenu('E-Onay verilmedi.');
    startSigning({ kind: 'e-onay-accept' }, 'E-Onay Verme', () =>
      backToMenu('E-Onay’ınız alındı.'),
    );
  });
  $('eonay-cancel').addEventListener('click', () =>
    startSigning({ kind: 'e-onay-cancel' }, 'E-Onay İptali', () =>
      backToMenu('E-Onay’ınız iptal edildi.'),
    ),
  );

  $('application-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const form = event.target;
    for (const field of form.querySelectorAll('.field-error')) field.remove();
    for (const input of form.querySelectorAll('[aria-invalid]'))
      input.removeAttribute('aria-invalid');
    const body = Object.fromEntries(new FormData(form));
    const { ok, data } = await call('POST', '/portal/api/application', body);
    if (!ok) {
      $('application-error').textContent = errorText(data, 'Başvuru gönderilemedi.');
      for (const [name, message] of Object.entries(data.fields || {})) {
        const input = form.elements.namedItem(name);
        const note = document.createElement('span');
        note.className = 'field-error';
        note.id = `error-${name}`;
        note.textContent = message;
        input.setAttribute('aria-invalid', 'true');
        input.setAttribute('aria-describedby', note.id);
        input.after(note);
      }
      return;
    }
    $('application-error').textContent = '';
    $('sms-sent').textContent = `${data.phone} numaralı telefona bir doğrulama kodu gönderildi.`;
    $('sms-form').dataset.applicationId = data.applicationId;
    $('sms-code').value = '';
    show('view-sms');
  });

  $('sms-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const applicationId = $('sms-form').dataset.applicationId;
    const { ok, data } = await call('POST', `/portal/api/application/${applicationId}/sms`, {
      code: $('sms-code').value,
    });
    if (!ok) {
      $('sms-error').textContent = errorText(data, 'SMS kodu doğrulanamadı.');
      if (data.error?.code === 'SMS_CODE_OVER') show('view-application');
      return;
    }
    $('sms-error').textContent = '';
    startSigning({ kind: 'application', applicationId }, 'E-imzalı Başvuru', () =>
      backToMenu('Başvurunuz e-imzalı olarak alındı.'),
    );
  });

  $('logout').addEventListener('click', async () => {
    await call('POST', '/portal/api/logout', {});
    await refreshMe();
    show('view-login');
  });
}

wire();
refreshMe().then(() => {
  if (me.loggedIn) {
    $('menu-message').textContent = '';
    show('view-menu');
  } else show('view-login');
});
