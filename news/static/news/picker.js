// The topic picker (wagtail-autocomplete), finished for the newsroom:
// - its few words are English only: its text nodes are translated in place (nodeValue), never
//   replaced, so the picker keeps updating them;
// - the chosen topics can be reordered (the API gives them in that order): each gets "up" and
//   "down" buttons. The package keeps its selection in React state, so a move rebuilds the
//   widget from the reordered value (its Stimulus controller mounts it again).
// The words come from the script tag's data-* attributes (news/wagtail_hooks.py).
(function () {
  var data = document.currentScript.dataset;
  var words = {
    'Create new “': data.createBefore,
    '”': data.createAfter,
    Remove: data.remove,
    'Nothing selected.': data.none,
    suggestion: data.suggestion,
    suggestions: data.suggestions,
    ' found, use up and down arrows to review.': data.found,
  };
  var SELECTION = '.c-wagtailautocomplete__selection';
  var ARROWS = { up: 'M12 4l-7 7h4.5v9h5v-9H19z', down: 'M12 20l7-7h-4.5V4h-5v9H5z' };

  function translate(root) {
    var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    var node;
    while ((node = walker.nextNode())) {
      var word = node.nodeValue;
      // Only a change is written: rewriting a word that reads the same in French
      // ("suggestion") would wake this observer again, for ever.
      if (Object.prototype.hasOwnProperty.call(words, word) && words[word] && words[word] !== word) {
        node.nodeValue = words[word];
      }
    }
  }

  function move(root, item, step) {
    var input = root.querySelector('input[type="hidden"]');
    var value = JSON.parse((input && input.value) || '[]');
    var from = Array.prototype.indexOf.call(root.querySelectorAll(SELECTION), item);
    var to = from + step;
    if (!Array.isArray(value) || from < 0 || to < 0 || to >= value.length) return;
    value.splice(to, 0, value.splice(from, 1)[0]);
    var fresh = root.cloneNode(false);
    fresh.setAttribute('data-autocomplete-input-value', JSON.stringify(value));
    fresh.setAttribute('data-kiosque-focus', to + ':' + (step < 0 ? 'up' : 'down'));
    root.replaceWith(fresh);
    // Wagtail's "unsaved changes" warning listens to form events.
    fresh.closest('form') && fresh.closest('form').dispatchEvent(new Event('change'));
  }

  function button(root, item, direction, label) {
    var text = direction === 'up' ? data.up : data.down;
    var el = document.createElement('button');
    el.type = 'button';
    el.className = 'c-wagtailautocomplete__selection__button';
    el.setAttribute('data-kiosque-move', direction);
    el.setAttribute('aria-label', text + ' : ' + label);
    el.title = text;
    el.innerHTML =
      '<svg class="c-wagtailautocomplete__selection__icon" viewBox="0 0 24 24" aria-hidden="true">' +
      '<path d="' + ARROWS[direction] + '"></path></svg>';
    el.addEventListener('click', function () {
      move(root, item, direction === 'up' ? -1 : 1);
    });
    return el;
  }

  function decorate(root) {
    if (root.hasAttribute('data-autocomplete-input-is-single')) return;
    var items = root.querySelectorAll(SELECTION);
    items.forEach(function (item, index) {
      var label = item.querySelector('.c-wagtailautocomplete__selection__label');
      var up = item.querySelector('[data-kiosque-move="up"]');
      if (!up && label) {
        var remove = item.lastElementChild;
        item.insertBefore(button(root, item, 'up', label.textContent), remove);
        item.insertBefore(button(root, item, 'down', label.textContent), remove);
        up = item.querySelector('[data-kiosque-move="up"]');
      }
      if (!up) return;
      // Nothing above the first or below the last (recomputed after every change).
      up.hidden = index === 0;
      item.querySelector('[data-kiosque-move="down"]').hidden = index === items.length - 1;
    });
    var focus = root.getAttribute('data-kiosque-focus');
    if (focus && items.length) {
      var parts = focus.split(':');
      var target = items[Number(parts[0])];
      var wanted = target && target.querySelector('[data-kiosque-move="' + parts[1] + '"]');
      var fallback = target && target.querySelector('[data-kiosque-move]:not([hidden])');
      root.removeAttribute('data-kiosque-focus');
      if (wanted && !wanted.hidden) wanted.focus();
      else if (fallback) fallback.focus();
    }
  }

  function refresh() {
    document.querySelectorAll('[data-autocomplete-input]').forEach(function (root) {
      translate(root);
      decorate(root);
    });
  }

  new MutationObserver(refresh).observe(document.documentElement, {
    childList: true,
    subtree: true,
    characterData: true,
  });
})();
