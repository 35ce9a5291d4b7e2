/*
 * 江城助手 — resident-facing web chat.
 *
 * Plain ES2017, no dependencies. Talks to the Rasa custom channel at
 * POST /webhooks/web/webhook with {"sender", "message"} and renders the
 * JSON array of bot messages it returns. The sender id is issued by the
 * server (X-Jiangcheng-Sender, signed so that nobody can guess or make one up);
 * the page starts with "" and keeps what the server sends back.
 *
 * Security rule for this file: message content (user's or bot's) is only ever
 * put into the page with textContent. Never use innerHTML with it.
 */
(function () {
  'use strict';

  // ---------------------------------------------------------------------------
  // Settings and fixed texts
  // ---------------------------------------------------------------------------

  const API_URL = '/webhooks/web/webhook';

  const KEY_SENDER = 'jc.sender';
  const SENDER_HEADER = 'X-Jiangcheng-Sender';
  const FEEDBACK_URL = '/webhooks/web/feedback';
  const KEY_HISTORY = 'jc.history';
  const KEY_ELDER = 'jc.elder';

  const HISTORY_LIMIT = 200;
  const MAX_LENGTH = 500;
  // Waits before the 2nd, 3rd and 4th try: 4 tries in all, ~14 s before giving up.
  const RETRY_DELAYS_MS = [2000, 4000, 8000];
  // A request that hangs this long is treated like an unreachable server.
  const REQUEST_TIMEOUT_MS = 45000;

  const TEXT = {
    greeting: '您好！我是江城助手，可以问我办事指南或武汉数智经济行动方案。',
    retrying: '暂时连接不上服务器，正在自动重试…',
    gaveUp: '网络异常，请稍后再试，或拨打{{hotline_number}}市民服务热线。',
    rejectedDefault: '抱歉，您的消息暂时无法处理，请换个说法再试。',
    empty: '请先输入您的问题，再点击发送。',
    tooLong: '消息最多' + MAX_LENGTH + '个字，请删减后再发送。',
    handoffLabel: '转人工',
    handoffPayload: '/request_human',
    quickRepliesLabel: '可选回复',
  };

  const els = {
    messages: document.getElementById('messages'),
    typing: document.getElementById('typing'),
    composer: document.getElementById('composer'),
    input: document.getElementById('input'),
    send: document.getElementById('send'),
    charCount: document.getElementById('char-count'),
    composerError: document.getElementById('composer-error'),
    handoff: document.getElementById('handoff'),
    elder: document.getElementById('elder-mode'),
    clear: document.getElementById('clear-history'),
  };

  // ---------------------------------------------------------------------------
  // State
  // ---------------------------------------------------------------------------

  let senderId = '';
  /** Everything shown in the log, oldest first; mirrored to localStorage. */
  let history = [];
  /**
   * Bumped by "清空记录". Replies and retries that belong to an older
   * conversation check it and quietly drop themselves.
   */
  let generation = 0;
  /** One token per message still waiting for its reply (drives #typing). */
  const pending = new Set();
  /** Fetches in flight, so that "清空记录" can abort them. */
  const inFlight = new Set();
  /**
   * Messages are delivered one after another so replies come back in the
   * order the resident asked, even when they type faster than the bot answers.
   */
  let queue = Promise.resolve();

  // ---------------------------------------------------------------------------
  // localStorage (may be unavailable: private mode, full quota, disabled)
  // ---------------------------------------------------------------------------

  const store = {
    get(key) {
      try { return window.localStorage.getItem(key); } catch (e) { return null; }
    },
    set(key, value) {
      try { window.localStorage.setItem(key, value); return true; } catch (e) { return false; }
    },
    remove(key) {
      try { window.localStorage.removeItem(key); } catch (e) { /* nothing to do */ }
    },
  };

  /** The id the server issued earlier, or "" to ask it for one. */
  function loadSenderId() {
    const saved = store.get(KEY_SENDER);
    return saved && saved.trim() ? saved.trim() : '';
  }

  /** Keeps the id the server answered with (a new one when ours was missing or not its own). */
  function keepSenderId(response, gen) {
    const issued = response.headers.get(SENDER_HEADER);
    if (issued && gen === generation && issued !== senderId) {
      senderId = issued;
      store.set(KEY_SENDER, issued);
    }
  }

  /** Reads the saved history, dropping anything malformed instead of failing. */
  function loadHistory() {
    let data;
    try {
      data = JSON.parse(store.get(KEY_HISTORY) || '[]');
    } catch (e) {
      return [];
    }
    if (!Array.isArray(data)) return [];
    return data.filter(isValidEntry).slice(-HISTORY_LIMIT).map((entry) => {
      // Stored buttons come back from outside this script: re-check them too.
      if (entry.buttons !== undefined) entry.buttons = normalizeButtons(entry.buttons);
      return entry;
    });
  }

  function isValidEntry(entry) {
    return !!entry && typeof entry === 'object' &&
      (entry.role === 'user' || entry.role === 'bot' || entry.role === 'system') &&
      typeof entry.text === 'string';
  }

  function saveHistory() {
    if (history.length > HISTORY_LIMIT) history = history.slice(-HISTORY_LIMIT);
    store.set(KEY_HISTORY, JSON.stringify(history));
  }

  // ---------------------------------------------------------------------------
  // Rendering (textContent only)
  // ---------------------------------------------------------------------------

  /**
   * Entry shapes kept in history:
   *   {role: "user", text}
   *   {role: "bot", text, buttons?: [{title, payload}], used?: bool, chosen?: index}
   *   {role: "system", text, kind: "handoff" | "error" | "notice"}
   */
  function createMessageElement(entry) {
    const el = document.createElement('div');
    el.className = 'msg msg-' + entry.role;
    if (entry.role === 'system' && entry.kind) el.classList.add('msg-' + entry.kind);

    const body = document.createElement('div');
    body.className = 'msg-text';
    body.textContent = entry.text; // line breaks are kept by CSS (white-space: pre-wrap)
    el.appendChild(body);

    if (entry.role === 'bot' && Array.isArray(entry.buttons) && entry.buttons.length) {
      el.appendChild(createQuickReplies(entry));
    }
    if (entry.role === 'bot' && entry.answer) el.appendChild(createHelpfulButtons(entry));
    if (entry.role === 'system' && entry.kind === 'rating') el.appendChild(createRating(entry));
    return el;
  }

  // ---------------------------------------------------------------------------
  // Feedback: helpful or not after an answer, 1-5 satisfaction at the end (好差评).
  // Only the verdict is sent; the server stores no text and no sender id.
  // ---------------------------------------------------------------------------

  function sendFeedback(kind, value) {
    return fetch(FEEDBACK_URL, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ sender: senderId, kind: kind, value: value }),
    }).catch(() => { /* feedback is optional; never disturb the conversation */ });
  }

  /**
   * One group of feedback buttons: choices are [className, label, value]; a click records the
   * value once for this entry, disables the group and sends it.
   */
  function createFeedbackGroup(entry, kind, groupClass, ariaLabel, choices, onChosen) {
    const group = document.createElement('div');
    group.className = groupClass;
    group.setAttribute('role', 'group');
    group.setAttribute('aria-label', ariaLabel);
    choices.forEach(([cls, label, value]) => {
      const el = document.createElement('button');
      el.type = 'button';
      el.className = cls;
      el.dataset.value = String(value);
      el.textContent = label;
      el.disabled = entry.rated !== undefined;
      if (entry.rated === value) el.classList.add('is-chosen');
      el.addEventListener('click', () => {
        entry.rated = value;
        saveHistory();
        group.querySelectorAll('button').forEach((b) => { b.disabled = true; });
        el.classList.add('is-chosen');
        sendFeedback(kind, value);
        if (onChosen) onChosen();
      });
      group.appendChild(el);
    });
    return group;
  }

  function createHelpfulButtons(entry) {
    return createFeedbackGroup(entry, 'helpful', 'feedback', '这个回答有帮助吗？', [
      ['feedback-button feedback-up', '有帮助', true],
      ['feedback-button feedback-down', '没帮助', false],
    ]);
  }

  function createRating(entry) {
    const labels = ['非常不满意', '不满意', '一般', '满意', '非常满意'];
    const choices = labels.map((label, index) => ['rating-button', (index + 1) + ' ' + label, index + 1]);
    return createFeedbackGroup(entry, 'rating', 'rating', '为本次服务评价', choices,
      () => addSystem('notice', '感谢您的评价！'));
  }

  function createQuickReplies(entry) {
    const group = document.createElement('div');
    group.className = 'quick-replies';
    group.setAttribute('role', 'group');
    group.setAttribute('aria-label', TEXT.quickRepliesLabel);

    entry.buttons.forEach((button, index) => {
      const el = document.createElement('button');
      el.type = 'button';
      el.className = 'quick-reply';
      el.textContent = button.title;
      if (entry.used) {
        el.disabled = true;
        if (entry.chosen === index) el.classList.add('is-chosen');
      }
      el.addEventListener('click', () => onQuickReply(entry, index, group));
      group.appendChild(el);
    });
    return group;
  }

  function renderEntry(entry) {
    els.messages.appendChild(createMessageElement(entry));
    scrollToBottom();
  }

  function scrollToBottom() {
    els.messages.scrollTop = els.messages.scrollHeight;
  }

  /** Shows a message and remembers it for the next visit. */
  function addEntry(entry) {
    history.push(entry);
    saveHistory();
    renderEntry(entry);
  }

  function addSystem(kind, text) {
    addEntry({ role: 'system', kind: kind, text: text });
  }

  function setTypingVisible(visible) {
    els.typing.hidden = !visible;
    if (visible) scrollToBottom();
  }

  // ---------------------------------------------------------------------------
  // Bot replies
  // ---------------------------------------------------------------------------

  /** Keeps only buttons we can show and send; title falls back to payload. */
  function normalizeButtons(buttons) {
    if (!Array.isArray(buttons)) return [];
    return buttons
      .filter((b) => b && typeof b === 'object')
      .map((b) => {
        const title = typeof b.title === 'string' ? b.title : '';
        const payload = typeof b.payload === 'string' ? b.payload : '';
        return { title: title || payload, payload: payload || title };
      })
      .filter((b) => b.title.trim() && b.payload.trim());
  }

  /** The text of a transfer notice: the server's own wording when it sends one. */
  function handoffText(handoff) {
    const info = handoff && typeof handoff === 'object' ? handoff : {};
    const ticket = info.ticket_id != null ? String(info.ticket_id).trim() : '';
    const message = typeof info.message === 'string' ? info.message.trim() : '';

    if (message) {
      // Residents need the ticket number to follow up, so never lose it.
      return ticket && message.indexOf(ticket) === -1 ? message + '\n工单号：' + ticket : message;
    }
    const ticketPart = ticket ? '，工单号 ' + ticket : '';
    if (info.mode === 'callback') {
      return '已为您登记人工回电' + ticketPart + '。工作人员将尽快与您联系。';
    }
    return '已为您转接人工客服' + ticketPart + '。客服人员即将接入，请稍候。';
  }

  function renderBotMessages(messages) {
    if (!Array.isArray(messages)) return;
    messages.forEach((message) => {
      if (!message || typeof message !== 'object') return;
      const text = typeof message.text === 'string' ? message.text : '';
      const buttons = normalizeButtons(message.buttons);
      if (text || buttons.length) {
        const entry = { role: 'bot', text: text, answer: true };
        if (buttons.length) entry.buttons = buttons;
        addEntry(entry);
      }
      const custom = message.custom;
      if (custom && typeof custom === 'object' && custom.handoff) {
        addSystem('handoff', handoffText(custom.handoff));
      }
      if (custom && typeof custom === 'object' && custom.end_conversation && !custom.skip_rating) {
        addSystem('rating', '请为本次服务评价：');
      }
    });
  }

  // ---------------------------------------------------------------------------
  // Talking to the server
  // ---------------------------------------------------------------------------

  function sleep(ms) {
    return new Promise((resolve) => setTimeout(resolve, ms));
  }

  /**
   * One POST. Resolves (never rejects) to one of:
   *   {status: "ok", messages}
   *   {status: "rejected", error}   4xx: the server understood and said no
   *   {status: "unreachable"}       network error, timeout or 5xx: worth retrying
   */
  async function postMessage(sender, message, gen) {
    const controller = typeof AbortController === 'function' ? new AbortController() : null;
    const timer = controller ? setTimeout(() => controller.abort(), REQUEST_TIMEOUT_MS) : null;
    if (controller) inFlight.add(controller);
    try {
      const response = await fetch(API_URL, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json' },
        body: JSON.stringify({ sender: sender, message: message }),
        signal: controller ? controller.signal : undefined,
      });
      if (response.status >= 500) return { status: 'unreachable' };
      keepSenderId(response, gen);
      const data = await readJson(response);
      if (response.status >= 400) {
        const error = data && typeof data.error === 'string' && data.error.trim();
        return { status: 'rejected', error: error || TEXT.rejectedDefault };
      }
      return { status: 'ok', messages: Array.isArray(data) ? data : [] };
    } catch (e) {
      return { status: 'unreachable' };
    } finally {
      if (timer) clearTimeout(timer);
      if (controller) inFlight.delete(controller);
    }
  }

  async function readJson(response) {
    try {
      return await response.json();
    } catch (e) {
      return null;
    }
  }

  /**
   * Sends one message, retrying with backoff while the server is unreachable.
   * The resident's own message stays in the log the whole time.
   */
  async function deliver(message, gen) {
    const token = {};
    pending.add(token);
    setTypingVisible(true);
    try {
      let warned = false;
      for (let attempt = 0; attempt <= RETRY_DELAYS_MS.length; attempt++) {
        if (attempt > 0) await sleep(RETRY_DELAYS_MS[attempt - 1]);
        if (gen !== generation) return; // conversation was cleared meanwhile

        // the id is read when the message goes out: the reply to an earlier one may have brought it
        const result = await postMessage(senderId, message, gen);
        if (gen !== generation) return;

        if (result.status === 'ok') {
          renderBotMessages(result.messages);
          return;
        }
        if (result.status === 'rejected') {
          addSystem('notice', result.error);
          return;
        }
        // Tell the resident once that we are on it, rather than after every try.
        if (!warned) {
          addSystem('error', TEXT.retrying);
          warned = true;
        }
      }
      addSystem('error', TEXT.gaveUp);
    } finally {
      pending.delete(token);
      setTypingVisible(pending.size > 0);
    }
  }

  /**
   * Shows `display` as the resident's message and sends `payload` to the bot
   * (they differ for quick replies and 转人工, whose payload is an intent).
   */
  function sendMessage(payload, display) {
    if (!payload || !payload.trim()) return;
    addEntry({ role: 'user', text: display });
    const gen = generation;
    queue = queue.then(() => deliver(payload, gen)).catch(() => { /* keep the queue alive */ });
  }

  // ---------------------------------------------------------------------------
  // User actions
  // ---------------------------------------------------------------------------

  function showComposerError(text) {
    els.composerError.textContent = text;
    els.input.setAttribute('aria-invalid', text ? 'true' : 'false');
  }

  function updateCharCount() {
    const length = els.input.value.length;
    els.charCount.textContent = length + '/' + MAX_LENGTH;
    els.charCount.classList.toggle('is-near-limit', length > MAX_LENGTH - 50);
  }

  /** Grows the textarea with its content, up to the max-height set in CSS. */
  function autoResize() {
    els.input.style.height = '';
    // Empty: keep the CSS height (Chromium counts a wrapped placeholder in scrollHeight).
    if (!els.input.value) return;
    els.input.style.height = 'auto';
    els.input.style.height = els.input.scrollHeight + 'px';
  }

  function onSubmit(event) {
    event.preventDefault();
    const text = els.input.value.trim();
    if (!text) {
      showComposerError(TEXT.empty);
      els.input.focus();
      return;
    }
    // maxlength stops typing past the limit, but pasted or scripted values can still exceed it.
    if (text.length > MAX_LENGTH) {
      showComposerError(TEXT.tooLong);
      els.input.focus();
      return;
    }
    showComposerError('');
    els.input.value = '';
    updateCharCount();
    autoResize();
    sendMessage(text, text);
    els.input.focus(); // keep typing without reaching for the mouse
  }

  function onInputKeydown(event) {
    // While a Chinese IME is composing, Enter picks the candidate: never send then.
    if (event.isComposing || event.keyCode === 229) return;
    if (event.key === 'Enter' && !event.shiftKey && !event.ctrlKey && !event.altKey && !event.metaKey) {
      event.preventDefault();
      if (typeof els.composer.requestSubmit === 'function') {
        els.composer.requestSubmit(els.send);
      } else {
        els.send.click();
      }
    }
  }

  function onInput() {
    if (els.composerError.textContent) showComposerError('');
    updateCharCount();
    autoResize();
  }

  function onQuickReply(entry, index, group) {
    if (entry.used) return;
    // One answer per question: disable the set so old choices are not re-sent by mistake.
    entry.used = true;
    entry.chosen = index;
    Array.from(group.querySelectorAll('.quick-reply')).forEach((el, i) => {
      el.disabled = true;
      if (i === index) el.classList.add('is-chosen');
    });
    const button = entry.buttons[index];
    sendMessage(button.payload, button.title); // also saves entry.used via addEntry
    els.input.focus(); // the clicked button is now disabled and would drop focus
  }

  function onHandoff() {
    sendMessage(TEXT.handoffPayload, TEXT.handoffLabel);
  }

  function applyElderMode(on) {
    document.body.classList.toggle('elder', on);
    els.elder.setAttribute('aria-pressed', on ? 'true' : 'false');
    autoResize(); // the font size changed, so the textarea's height must follow
  }

  function onElderToggle() {
    const on = els.elder.getAttribute('aria-pressed') !== 'true';
    applyElderMode(on);
    store.set(KEY_ELDER, on ? 'true' : 'false');
  }

  /** Starts a brand-new conversation; the 长辈模式 choice is kept. */
  function onClearHistory() {
    generation++;
    inFlight.forEach((controller) => controller.abort());
    pending.clear();
    setTypingVisible(false);
    queue = Promise.resolve();

    history = [];
    store.remove(KEY_HISTORY);
    senderId = '';
    store.remove(KEY_SENDER);

    els.messages.textContent = '';
    showComposerError('');
    addEntry({ role: 'bot', text: TEXT.greeting });
    els.input.focus();
  }

  // ---------------------------------------------------------------------------
  // Start
  // ---------------------------------------------------------------------------

  function init() {
    const elder = store.get(KEY_ELDER);
    applyElderMode(elder === 'true' || elder === '1');

    senderId = loadSenderId();
    history = loadHistory();
    if (history.length) {
      history.forEach(renderEntry);
    } else {
      // Greeting is local only: the server hears nothing until the resident speaks.
      addEntry({ role: 'bot', text: TEXT.greeting });
    }

    els.input.setAttribute('maxlength', String(MAX_LENGTH));
    updateCharCount();

    els.composer.addEventListener('submit', onSubmit);
    els.input.addEventListener('keydown', onInputKeydown);
    els.input.addEventListener('input', onInput);
    els.handoff.addEventListener('click', onHandoff);
    els.elder.addEventListener('click', onElderToggle);
    els.clear.addEventListener('click', onClearHistory);
  }

  init();
}());
