// The topic picker (wagtail-autocomplete) has its few words in English only; the admin's own
// language decides here. Texts come from the page (data-picker-* on <html>'s script tag).
(function () {
  var script = document.currentScript;
  var words = {
    create: script.dataset.create,
    remove: script.dataset.remove,
    found: script.dataset.found,
  };
  var create = /^Create new “(.*)”$/;
  var found = /^(\d+) suggestions? found, use up and down arrows to review\.$/;

  function translate(root) {
    root.querySelectorAll('[data-autocomplete-input] *').forEach(function (node) {
      if (node.children.length) return;
      var text = node.textContent;
      var match;
      if ((match = create.exec(text))) node.textContent = words.create.replace('%s', match[1]);
      else if (text === 'Remove') node.textContent = words.remove;
      else if ((match = found.exec(text))) node.textContent = words.found.replace('%s', match[1]);
    });
  }

  new MutationObserver(function () {
    translate(document);
  }).observe(document.documentElement, { childList: true, subtree: true, characterData: true });
})();
