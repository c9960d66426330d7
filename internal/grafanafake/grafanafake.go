// Package grafanafake is an in-memory stand-in for the parts of Grafana's
// HTTP API that `voc dashboards apply` uses, for tests (no Grafana server
// can be installed here). It follows Grafana's documented behaviour for
// those endpoints: bearer-token auth (401 for an unknown token, 403 for a
// viewer's), folders by uid, datasources by uid (409 on a duplicate name,
// 403 on a provisioned read-only one), and dashboards saved through
// POST /api/dashboards/db with Grafana's version check (412
// version-mismatch), title check within a folder (412 name-exists) and the
// overwrite flag. It records every request for assertions.
package grafanafake

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
)

// Request is one request the server received.
type Request struct {
	Method, Path  string
	Authorization string
	Body          map[string]any // decoded JSON body, nil without one
}

// DataSource is a stored datasource.
type DataSource struct {
	ID             int64
	UID, Name      string
	Type, Access   string
	JSONData       map[string]any
	SecureJSONData map[string]any // kept to assert on; never returned
	ReadOnly       bool
	Version        int
}

// Dashboard is a stored dashboard.
type Dashboard struct {
	ID        int64
	Model     map[string]any
	FolderUID string
	Version   int64
	Message   string
}

// Server is the fake Grafana.
type Server struct {
	*httptest.Server

	mu sync.Mutex
	// Tokens maps bearer tokens to a role: "Admin", "Editor" or "Viewer".
	Tokens      map[string]string
	Folders     map[string]string // uid -> title
	DataSources map[string]*DataSource
	Dashboards  map[string]*Dashboard
	Requests    []Request
	// SaveInBetween lists dashboard uids that "someone else" saves right
	// after voc reads them, to provoke Grafana's 412 version-mismatch.
	SaveInBetween map[string]bool
	nextID        int64
}

// New starts a fake Grafana that accepts token as an Editor.
func New(token string) *Server {
	s := &Server{
		Tokens:      map[string]string{token: "Editor"},
		Folders:     map[string]string{},
		DataSources: map[string]*DataSource{},
		Dashboards:  map[string]*Dashboard{},
		nextID:      100,
	}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

// Writes returns the recorded requests that change something.
func (s *Server) Writes() []Request {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Request
	for _, r := range s.Requests {
		if r.Method != http.MethodGet {
			out = append(out, r)
		}
	}
	return out
}

// Reset forgets the recorded requests.
func (s *Server) Reset() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.Requests = nil
}

func reply(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func msg(w http.ResponseWriter, status int, text string) {
	reply(w, status, map[string]any{"message": text})
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	body, _ := io.ReadAll(r.Body)
	req := Request{Method: r.Method, Path: r.URL.Path, Authorization: r.Header.Get("Authorization")}
	if len(body) > 0 {
		if err := json.Unmarshal(body, &req.Body); err != nil {
			s.Requests = append(s.Requests, req)
			msg(w, http.StatusBadRequest, "bad request data: "+err.Error())
			return
		}
	}
	s.Requests = append(s.Requests, req)

	token, ok := strings.CutPrefix(req.Authorization, "Bearer ")
	role := s.Tokens[token]
	if !ok || role == "" {
		msg(w, http.StatusUnauthorized, "invalid API key")
		return
	}
	if r.Method != http.MethodGet && role == "Viewer" {
		reply(w, http.StatusForbidden, map[string]any{"message": "You'll need additional permissions to perform this action.", "accessErrorId": "ACE0000000001"})
		return
	}

	path := strings.TrimSuffix(r.URL.Path, "/")
	switch {
	case r.Method == http.MethodPost && path == "/api/folders":
		s.createFolder(w, req.Body)
	case strings.HasPrefix(path, "/api/folders/"):
		uid := strings.TrimPrefix(path, "/api/folders/")
		switch r.Method {
		case http.MethodGet:
			title, ok := s.Folders[uid]
			if !ok {
				msg(w, http.StatusNotFound, "folder not found")
				return
			}
			reply(w, http.StatusOK, map[string]any{"id": 1, "uid": uid, "title": title, "url": "/dashboards/f/" + uid, "version": 1})
		case http.MethodPut:
			if _, ok := s.Folders[uid]; !ok {
				msg(w, http.StatusNotFound, "folder not found")
				return
			}
			title, _ := req.Body["title"].(string)
			s.Folders[uid] = title
			reply(w, http.StatusOK, map[string]any{"uid": uid, "title": title})
		default:
			msg(w, http.StatusMethodNotAllowed, "method not allowed")
		}
	case r.Method == http.MethodPost && path == "/api/datasources":
		s.createDataSource(w, req.Body)
	case strings.HasPrefix(path, "/api/datasources/uid/"):
		uid := strings.TrimPrefix(path, "/api/datasources/uid/")
		ds, ok := s.DataSources[uid]
		if !ok {
			msg(w, http.StatusNotFound, "Data source not found")
			return
		}
		switch r.Method {
		case http.MethodGet:
			reply(w, http.StatusOK, map[string]any{
				"id": ds.ID, "uid": ds.UID, "name": ds.Name, "type": ds.Type, "access": ds.Access, "url": "",
				"jsonData": ds.JSONData, "secureJsonFields": map[string]bool{"password": ds.SecureJSONData["password"] != nil},
				"readOnly": ds.ReadOnly, "version": ds.Version, "isDefault": false, "basicAuth": false,
			})
		case http.MethodPut:
			if ds.ReadOnly {
				msg(w, http.StatusForbidden, "Cannot update read-only data source")
				return
			}
			s.fillDataSource(ds, req.Body, true)
			ds.Version++
			reply(w, http.StatusOK, map[string]any{"id": ds.ID, "message": "Datasource updated", "name": ds.Name})
		default:
			msg(w, http.StatusMethodNotAllowed, "method not allowed")
		}
	case r.Method == http.MethodPost && path == "/api/dashboards/db":
		s.saveDashboard(w, req.Body)
	case r.Method == http.MethodGet && strings.HasPrefix(path, "/api/dashboards/uid/"):
		uid := strings.TrimPrefix(path, "/api/dashboards/uid/")
		d, ok := s.Dashboards[uid]
		if !ok {
			msg(w, http.StatusNotFound, "Dashboard not found")
			return
		}
		reply(w, http.StatusOK, map[string]any{
			"dashboard": d.Model,
			"meta":      map[string]any{"folderUid": d.FolderUID, "slug": uid, "url": "/d/" + uid, "version": d.Version},
		})
		if s.SaveInBetween[uid] {
			d.Version++
			d.Model["version"] = d.Version
		}
	default:
		msg(w, http.StatusNotFound, "Not found")
	}
}

func (s *Server) createFolder(w http.ResponseWriter, body map[string]any) {
	uid, _ := body["uid"].(string)
	title, _ := body["title"].(string)
	if title == "" {
		msg(w, http.StatusBadRequest, "folder title cannot be empty")
		return
	}
	if _, dup := s.Folders[uid]; dup {
		msg(w, http.StatusConflict, "a folder with the same uid already exists")
		return
	}
	for _, t := range s.Folders {
		if t == title {
			msg(w, http.StatusConflict, "a folder or dashboard in the general folder with the same name already exists")
			return
		}
	}
	s.Folders[uid] = title
	s.nextID++
	reply(w, http.StatusOK, map[string]any{"id": s.nextID, "uid": uid, "title": title, "url": "/dashboards/f/" + uid, "version": 1})
}

func (s *Server) createDataSource(w http.ResponseWriter, body map[string]any) {
	name, _ := body["name"].(string)
	uid, _ := body["uid"].(string)
	for _, ds := range s.DataSources {
		if ds.Name == name {
			msg(w, http.StatusConflict, "data source with the same name already exists")
			return
		}
	}
	if _, dup := s.DataSources[uid]; dup {
		msg(w, http.StatusConflict, "data source with the same uid already exists")
		return
	}
	s.nextID++
	ds := &DataSource{ID: s.nextID, UID: uid, Version: 1}
	s.fillDataSource(ds, body, false)
	s.DataSources[uid] = ds
	reply(w, http.StatusOK, map[string]any{"id": ds.ID, "message": "Datasource added", "name": ds.Name, "datasource": map[string]any{"uid": uid}})
}

// fillDataSource copies a request body into ds; on update a missing
// secureJsonData keeps the stored secrets, as Grafana does.
func (s *Server) fillDataSource(ds *DataSource, body map[string]any, update bool) {
	ds.Name, _ = body["name"].(string)
	ds.Type, _ = body["type"].(string)
	ds.Access, _ = body["access"].(string)
	ds.JSONData, _ = body["jsonData"].(map[string]any)
	if sec, ok := body["secureJsonData"].(map[string]any); ok {
		ds.SecureJSONData = sec
	} else if !update {
		ds.SecureJSONData = nil
	}
}

func (s *Server) saveDashboard(w http.ResponseWriter, body map[string]any) {
	model, ok := body["dashboard"].(map[string]any)
	if !ok {
		msg(w, http.StatusBadRequest, "bad request data: dashboard missing")
		return
	}
	uid, _ := model["uid"].(string)
	title, _ := model["title"].(string)
	folderUID, _ := body["folderUid"].(string)
	overwrite, _ := body["overwrite"].(bool)
	message, _ := body["message"].(string)
	if title == "" {
		msg(w, http.StatusBadRequest, "Dashboard title cannot be empty")
		return
	}
	if folderUID != "" {
		if _, ok := s.Folders[folderUID]; !ok {
			reply(w, http.StatusBadRequest, map[string]any{"message": "folder not found", "status": "not-found"})
			return
		}
	}
	var version int64
	if v, ok := model["version"].(float64); ok {
		version = int64(v)
	}
	existing := s.Dashboards[uid]
	if existing != nil && version != existing.Version && !overwrite {
		reply(w, http.StatusPreconditionFailed, map[string]any{"message": "The dashboard has been changed by someone else", "status": "version-mismatch"})
		return
	}
	for otherUID, d := range s.Dashboards {
		if otherUID != uid && d.FolderUID == folderUID && d.Model["title"] == title {
			if !overwrite {
				reply(w, http.StatusPreconditionFailed, map[string]any{"message": "A dashboard with the same name in the folder already exists", "status": "name-exists"})
				return
			}
			delete(s.Dashboards, otherUID)
		}
	}
	stored := make(map[string]any, len(model)+2)
	for k, v := range model {
		stored[k] = v
	}
	d := existing
	if d == nil {
		s.nextID++
		d = &Dashboard{ID: s.nextID}
		s.Dashboards[uid] = d
	}
	d.Version++
	stored["id"], stored["version"], stored["uid"] = d.ID, d.Version, uid
	d.Model, d.FolderUID, d.Message = stored, folderUID, message
	reply(w, http.StatusOK, map[string]any{
		"id": d.ID, "uid": uid, "url": fmt.Sprintf("/d/%s/%s", uid, strings.ToLower(strings.ReplaceAll(title, " ", "-"))),
		"status": "success", "version": d.Version, "slug": uid,
	})
}
