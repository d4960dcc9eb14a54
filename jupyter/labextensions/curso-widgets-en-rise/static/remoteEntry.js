// Extensión federada mínima del curso (sin compilar: este archivo es todo su código).
//
// Problema: jupyterlab-rise 0.43.1 presenta el cuaderno en su propia aplicación, con su propio
// núcleo de JupyterLab 4.3, y ese núcleo no pone @jupyterlab/console en el ámbito compartido
// (share scope) de Module Federation. El gestor de widgets de ipywidgets 8.1.9
// (@jupyter-widgets/jupyterlab-manager) lo consume como singleton sin copia propia, así que su
// extensión no carga («Shared module @jupyterlab/console doesn't exist in shared scope default») y
// los widgets salen como texto «VBox(…)» (jupyterlab-contrib/rise#119 y #126).
//
// Arreglo: del módulo solo se usa el token opcional IConsoleTracker (para widgets en consolas, que
// RISE no tiene). Este contenedor, al iniciarse, registra un @jupyterlab/console mínimo con ese
// token, y solo si el ámbito no trae ya uno: en JupyterLab el núcleo lo registra antes y aquí no se
// hace nada; en RISE el gestor de widgets carga y las demostraciones se pintan y responden.
//
// Además, en la presentación (la aplicación «Rise»), el complemento «presentacion» hace que la
// diapositiva arranque con el teclado listo: pone el foco en el cuaderno al empezar y al cambiar de
// pantalla completa (sin él, W, Inicio, Fin o Ctrl+Intro no llegaban hasta hacer clic), y la tecla F
// pone y quita la pantalla completa desde cualquier punto de la diapositiva (la F de RISE solo
// funciona con el foco en el cuaderno). En JupyterLab no hace nada.
var _JUPYTERLAB;
(function () {
  'use strict';
  _JUPYTERLAB = _JUPYTERLAB || {};
  var NAME = 'curso-widgets-en-rise';

  function consoleModule(scope) {
    var coreutils = scope['@lumino/coreutils'];
    var version = Object.keys(coreutils)[0];
    return coreutils[version].get().then(function (factory) {
      var IConsoleTracker = new (factory().Token)(
        '@jupyterlab/console:IConsoleTracker', 'A widget tracker for code consoles.');
      return function () {
        return { IConsoleTracker: IConsoleTracker };
      };
    });
  }


  function notebookNode() {
    return document.querySelector('.reveal .jp-Notebook') || document.querySelector('.jp-Notebook');
  }

  function focusSlides() {
    var notebook = notebookNode();
    if (notebook && !notebook.contains(document.activeElement)) {
      notebook.focus();
    }
  }

  function typing(target) {
    return !!(target && target.closest &&
      target.closest('.cm-editor, input, textarea, select, [contenteditable="true"]'));
  }

  var presentacion = {
    id: 'curso-widgets-en-rise:presentacion',
    description: 'Diapositivas del curso: el teclado listo al empezar y F para la pantalla completa.',
    autoStart: true,
    activate: function (app) {
      if (app.name !== 'Rise') {
        return;
      }
      window.addEventListener('keydown', function (event) {
        if ((event.key !== 'f' && event.key !== 'F') || event.ctrlKey || event.altKey || event.metaKey ||
            typing(event.target)) {
          return;
        }
        event.preventDefault();
        event.stopImmediatePropagation();
        if (document.fullscreenElement) {
          document.exitFullscreen();
        } else {
          document.documentElement.requestFullscreen().catch(function () {});
        }
      }, true);
      document.addEventListener('fullscreenchange', function () {
        setTimeout(focusSlides, 50);
      });
      window.addEventListener('focus', function () {
        setTimeout(focusSlides, 50);
      });
      // Cuando RISE ha montado las diapositivas, el foco va al cuaderno (una vez).
      var tries = 0;
      var wait = setInterval(function () {
        tries += 1;
        if (document.querySelector('.reveal .slides section.present') && notebookNode()) {
          clearInterval(wait);
          setTimeout(focusSlides, 600);  // después de la selección automática de RISE (450 ms)
        } else if (tries > 600) {
          clearInterval(wait);
        }
      }, 100);
      document.body.setAttribute('data-curso-presentacion', 'lista');
    }
  };

  _JUPYTERLAB[NAME] = {
    init: function (scope) {
      if (scope['@jupyterlab/console'] || !scope['@lumino/coreutils']) {
        return;
      }
      scope['@jupyterlab/console'] = {
        '0.0.0': { get: function () { return consoleModule(scope); }, from: NAME, eager: false }
      };
    },
    get: function (module) {
      if (module === './extension') {
        return Promise.resolve(function () {
          return { __esModule: true, default: [presentacion] };
        });
      }
      return Promise.reject(new Error('Module "' + module + '" does not exist in container.'));
    }
  };
})();
