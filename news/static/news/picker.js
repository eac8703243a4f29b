// The topic picker (wagtail-autocomplete) has its few words in English only. Its text nodes are
// translated in place (nodeValue), never replaced, so the picker keeps updating them; the words
// come from the script tag's data-* attributes (news/wagtail_hooks.py).
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

  function translate() {
    document.querySelectorAll('[data-autocomplete-input]').forEach(function (root) {
      var walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
      var node;
      while ((node = walker.nextNode())) {
        var word = node.nodeValue;
        // Only a change is written: rewriting a word that reads the same in French
        // ("suggestion") would wake this observer again, for ever.
        if (Object.prototype.hasOwnProperty.call(words, word) && words[word] !== word) {
          node.nodeValue = words[word];
        }
      }
    });
  }

  new MutationObserver(translate).observe(document.documentElement, {
    childList: true,
    subtree: true,
    characterData: true,
  });
})();
