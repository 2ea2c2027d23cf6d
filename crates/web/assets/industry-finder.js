// The diagnosis industry step's finder as a combobox, following the WAI-ARIA Authoring
// Practices "combobox with list autocomplete": typing asks /api/v1/industries, the proposals
// appear as a listbox under the box, Up/Down move through them, Enter or a click chooses one
// (which sets the full list below to it), Escape closes the list or clears the box.
// Without this script the same box works as a plain search step on the server.
(function () {
  'use strict';
  var finder = document.querySelector('[data-industry-finder]');
  if (!finder || !window.fetch) return;
  var input = finder.querySelector('#describe');
  var select = document.getElementById('answer');
  if (!input || !select) return;

  var list = document.createElement('ul');
  list.id = 'describe-listbox';
  list.className = 'finder-listbox';
  list.setAttribute('role', 'listbox');
  list.setAttribute('aria-label', '当てはまりそうな業種');
  list.hidden = true;
  var status = document.createElement('p');
  status.className = 'finder-status';
  status.setAttribute('role', 'status');
  var row = input.parentNode;
  row.parentNode.insertBefore(list, row.nextSibling);
  list.parentNode.insertBefore(status, list.nextSibling);

  input.setAttribute('role', 'combobox');
  input.setAttribute('aria-autocomplete', 'list');
  input.setAttribute('aria-expanded', 'false');
  input.setAttribute('aria-controls', list.id);

  var options = [];
  var active = -1;
  var timer = null;
  var asked = 0;

  function open(show) {
    list.hidden = !show;
    input.setAttribute('aria-expanded', show ? 'true' : 'false');
    if (!show) setActive(-1);
  }

  function setActive(index) {
    active = index;
    var items = list.children;
    for (var i = 0; i < items.length; i++) {
      items[i].setAttribute('aria-selected', i === index ? 'true' : 'false');
    }
    if (index >= 0 && items[index]) {
      input.setAttribute('aria-activedescendant', items[index].id);
      items[index].scrollIntoView({ block: 'nearest' });
    } else {
      input.removeAttribute('aria-activedescendant');
    }
  }

  function choose(index) {
    var option = options[index];
    if (!option) return;
    select.value = option.code;
    status.textContent = '「' + option.label + '」を選びました。よければ「次へ」を押してください。';
    open(false);
  }

  function show(answer) {
    list.textContent = '';
    var question = answer.follow_up;
    if (question) {
      options = question.options.map(function (o) {
        return { code: o.code, label: o.answer + '（' + o.name + '、' + o.code + '）', detail: o.reason };
      });
    } else {
      options = answer.candidates.map(function (c) {
        return { code: c.code, label: c.name + '（' + c.code + '）', detail: c.explanation };
      });
    }
    options.forEach(function (o, i) {
      var item = document.createElement('li');
      item.id = 'describe-option-' + i;
      item.setAttribute('role', 'option');
      item.setAttribute('aria-selected', 'false');
      var name = document.createElement('span');
      name.className = 'option-name';
      name.textContent = o.label;
      var why = document.createElement('span');
      why.className = 'reason';
      why.textContent = o.detail;
      item.appendChild(name);
      item.appendChild(why);
      // mousedown, not click: the box must not lose focus (and close the list) first.
      item.addEventListener('mousedown', function (event) {
        event.preventDefault();
        choose(i);
      });
      list.appendChild(item);
    });
    if (question) {
      status.textContent = '「' + question.matched + '」は分類が分かれます。' + question.question + '（上下キーで選び、Enterで決めます）';
    } else if (answer.hint) {
      status.textContent = answer.hint;
    } else {
      status.textContent = options.length + '件の候補があります。上下キーで選び、Enterで決めます。';
    }
    open(options.length > 0);
  }

  function ask() {
    var words = input.value.trim();
    var mine = ++asked;
    if (!words) {
      options = [];
      list.textContent = '';
      status.textContent = '';
      open(false);
      return;
    }
    fetch('/api/v1/industries?q=' + encodeURIComponent(words), { headers: { Accept: 'application/json' } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (answer) { if (answer && mine === asked) show(answer); })
      .catch(function () { /* the button still searches on the server */ });
  }

  input.addEventListener('input', function () {
    clearTimeout(timer);
    timer = setTimeout(ask, 250);
  });
  input.addEventListener('keydown', function (event) {
    var count = options.length;
    if (event.key === 'ArrowDown' && count) {
      event.preventDefault();
      if (list.hidden) open(true);
      setActive((active + 1) % count);
    } else if (event.key === 'ArrowUp' && count) {
      event.preventDefault();
      if (list.hidden) open(true);
      setActive(active <= 0 ? count - 1 : active - 1);
    } else if (event.key === 'Enter' && !list.hidden && active >= 0) {
      event.preventDefault();
      choose(active);
    } else if (event.key === 'Escape') {
      if (!list.hidden) {
        open(false);
      } else {
        input.value = '';
      }
    }
  });
  input.addEventListener('blur', function () { open(false); });
})();
